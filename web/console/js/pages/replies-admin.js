// The administrators' screen of canned replies (/api/admin/replies): every reply with its
// languages, a form to create one or change one (title, tags, the Italian and English bodies),
// and deletion. Writes carry If-Match with the reply's revision; the field a refusal names (an
// unknown variable in `bodies.it`, say) is named and focused.
import { ApiError, api } from "../../../common/js/api.js";
import { announce, h, replace } from "../../../common/js/dom.js";
import { t } from "../../../common/js/i18n.js";

const FIELDS = { title: "title", tags: "tags", "bodies.it": "body_it", "bodies.en": "body_en" };

function failure(error) {
  if (!(error instanceof ApiError)) return t("error.generic", { status: "?" });
  if (error.status === 0) return t("error.networkFormKept");
  if (error.status === 412) return t("replies.changed");
  if (error.problem?.field) {
    return t("error.field", { field: t(`replies.field.${FIELDS[error.problem.field] || "body"}`),
      detail: error.problem.detail });
  }
  return error.problem?.detail ? t("error.conflict", { detail: error.problem.detail })
    : t("error.generic", { status: error.status });
}

/** Renders the replies into `main`; `editing` is the id of the reply whose form is open, or
 * "new" for a new one's (a reply whose id is "new" is edited as itself). */
export async function repliesAdminPage(main, editing) {
  const { items } = await api("/admin/replies");
  const chosen = items.find((reply) => reply.id === editing) || null;
  const open = editing === "new" || chosen !== null;
  const alert = h("p", { class: "notice notice-error", role: "alert", hidden: true });
  const input = (name, value, props = {}) => h("input", { id: `reply-${name}`, name, value: value || "",
    autocomplete: "off", ...props });
  const area = (name, value) => {
    const element = h("textarea", { id: `reply-${name}`, name, rows: "6" });
    element.value = value || "";
    return element;
  };
  const field = (name, control) => [h("label", { for: `reply-${name}` }, t(`replies.field.${name}`)), control];
  const form = open ? h("form", { class: "form-grid action-form", "aria-labelledby": "reply-form-title",
    onsubmit: async (event) => {
      event.preventDefault();
      const elements = event.target.elements;
      const text = (name) => elements[name].value.trim();
      const body = {
        title: text("title"),
        tags: text("tags").split(",").map((tag) => tag.trim()).filter(Boolean),
        bodies: { it: text("body_it") || null, en: text("body_en") || null },
      };
      if (chosen) body.id = chosen.id;
      try {
        await api("/admin/replies", { method: "PUT", body, ifMatch: chosen ? `"${chosen.revision}"` : undefined });
      } catch (error) {
        alert.textContent = failure(error);
        alert.hidden = false;
        const at = error instanceof ApiError ? FIELDS[error.problem?.field] : null;
        if (at) {
          elements[at].setAttribute("aria-invalid", "true");
          elements[at].focus();
        }
        return;
      }
      announce(t("replies.saved"));
      window.location.hash = "#/admin/replies";
    } },
  h("h2", { id: "reply-form-title" }, chosen ? t("replies.editTitle", { title: chosen.title }) : t("replies.new")),
  field("title", input("title", chosen?.title)),
  field("tags", input("tags", chosen?.tags.join(", "), { "aria-describedby": "reply-tags-hint" })),
  h("p", { class: "hint", id: "reply-tags-hint" }, t("replies.tagsHint")),
  field("body_it", area("body_it", chosen?.bodies.it)),
  field("body_en", area("body_en", chosen?.bodies.en)),
  h("p", { class: "hint" }, t("replies.variables")),
  alert,
  h("p", {}, h("button", { type: "submit", class: "button" }, t("replies.save")), " ",
    h("a", { href: "#/admin/replies" }, t("ticket.cancel")))) : null;

  const remove = async (reply, where) => {
    try {
      await api(`/admin/replies/${encodeURIComponent(reply.id)}`, { method: "DELETE", ifMatch: `"${reply.revision}"` });
    } catch (error) {
      where.textContent = failure(error);
      where.hidden = false;
      return;
    }
    announce(t("replies.deleted", { title: reply.title }));
    await repliesAdminPage(main, null);
  };
  const listAlert = h("p", { class: "notice notice-error", role: "alert", hidden: true });
  const languages = (reply) => ["it", "en"].filter((code) => reply.bodies[code]).map((code) => t(`language.${code}`))
    .join(", ");
  replace(main,
    h("h1", { tabindex: "-1" }, t("replies.title")),
    h("p", {}, h("a", { href: "#/admin/replies/new", class: "button" }, t("replies.new"))),
    form,
    listAlert,
    items.length ? h("table", { class: "rows" },
      h("caption", { class: "visually-hidden" }, t("replies.title")),
      h("thead", {}, h("tr", {}, ["title", "tags", "languages", "actions"].map((name) =>
        h("th", { scope: "col" }, t(`replies.column.${name}`))))),
      h("tbody", {}, items.map((reply) => h("tr", { "data-reply": reply.id },
        h("td", {}, reply.title),
        h("td", {}, reply.tags.join(", ")),
        h("td", {}, languages(reply)),
        h("td", {}, h("a", { href: `#/admin/replies/${encodeURIComponent(reply.id)}` },
          t("replies.edit", { title: reply.title })), " · ",
        h("button", { type: "button", class: "link-button", onclick: () => remove(reply, listAlert) },
          t("replies.delete", { title: reply.title }))))))) : h("p", { class: "muted" }, t("replies.none")));
}
