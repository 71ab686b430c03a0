// The switchboard: a request taken on the phone, opened for the caller's company with channel
// `phone`; the customer gets the receipt in its language. Staff cannot list customers (the
// registry is admin-only, GET /api/admin/customers), so the customer is named by its id.
import { ApiError, api } from "../../../common/js/api.js";
import { h, replace } from "../../../common/js/dom.js";
import { t } from "../../../common/js/i18n.js";

const FIELDS = ["customer_id", "contact_email", "contact_name", "category", "priority", "language", "subject",
  "description"];

function field(name, control, hint) {
  return h("div", {},
    h("label", { for: `phone-${name}` }, t(`field.${name}`)),
    control,
    hint ? h("p", { class: "hint", id: `phone-${name}-hint` }, hint) : null);
}

/** Renders the form into `main`; `opened(id)` is called with the new ticket's id. */
export function phonePage(main, config, opened) {
  const alert = h("p", { class: "notice notice-error", role: "alert", hidden: true });
  const input = (name, props = {}) => h("input", { id: `phone-${name}`, name, autocomplete: "off", ...props });
  const form = h("form", { class: "form-grid", novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    const elements = event.target.elements;
    for (const name of FIELDS) elements[name].removeAttribute("aria-invalid");
    const value = (name) => elements[name].value.trim();
    const missing = ["customer_id", "contact_email", "subject", "description"].find((name) => !value(name));
    if (missing) {
      alert.textContent = t("error.required", { field: t(`field.${missing}`) });
      alert.hidden = false;
      elements[missing].setAttribute("aria-invalid", "true");
      elements[missing].focus();
      return;
    }
    const body = { channel: "phone", customer_id: value("customer_id"), contact_email: value("contact_email"),
      category: value("category"), priority: Number(value("priority")), subject: value("subject"),
      description: value("description") };
    if (value("contact_name")) body.contact_name = value("contact_name");
    if (value("language")) body.language = value("language");
    try {
      const ticket = await api("/tickets", { method: "POST", body });
      opened(ticket.id);
    } catch (error) {
      const at = error instanceof ApiError ? error.problem?.field : null;
      alert.textContent = at
        ? t("error.field", { field: FIELDS.includes(at) ? t(`field.${at}`) : at, detail: error.problem.detail })
        : error instanceof ApiError && error.status === 0 ? t("error.networkFormKept")
          : error instanceof ApiError && error.problem?.detail ? t("error.conflict", { detail: error.problem.detail })
            : t("error.generic", { status: error instanceof ApiError ? error.status : "?" });
      alert.hidden = false;
      if (at && elements[at]) {
        elements[at].setAttribute("aria-invalid", "true");
        elements[at].focus();
      }
    }
  } },
  field("customer_id", input("customer_id", { "aria-describedby": "phone-customer_id-hint" }), t("phone.customerHint")),
  field("contact_email", input("contact_email", { type: "email" })),
  field("contact_name", input("contact_name")),
  field("category", h("select", { id: "phone-category", name: "category" },
    config.categories.filter((entry) => !["declined_by_customer", "out_of_scope"].includes(entry.category))
      .map((entry) => h("option", { value: entry.category, selected: entry.category === "helpdesk" },
        t(`category.${entry.category}`))))),
  field("priority", h("select", { id: "phone-priority", name: "priority" },
    config.priorities.map((entry) => h("option", { value: String(entry.priority), selected: entry.priority === 3 },
      t(`priority.${entry.priority}`))))),
  field("language", h("select", { id: "phone-language", name: "language" },
    h("option", { value: "" }, t("phone.detect")),
    ["it", "en"].map((code) => h("option", { value: code }, t(`language.${code}`))))),
  field("subject", input("subject")),
  field("description", h("textarea", { id: "phone-description", name: "description", rows: "6" })),
  alert,
  h("p", {}, h("button", { type: "submit", class: "button" }, t("phone.submit"))));
  replace(main, h("h1", { tabindex: "-1" }, t("phone.title")), h("p", { class: "hint" }, t("phone.intro")), form);
}
