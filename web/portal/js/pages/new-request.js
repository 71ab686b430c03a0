// The form to open a request: category (with the clocks it runs), priority (with the SLA it
// implies, from the desk's own policy in the config document), subject and description.
import { ApiError, api } from "../../../common/js/api.js";
import { announce, h, replace } from "../../../common/js/dom.js";
import { t } from "../../../common/js/i18n.js";

const FIELDS = { subject: "new.fieldSubject", description: "new.fieldDescription",
  category: "new.fieldCategory", priority: "new.fieldPriority" };

/** Renders the form into `main`; on success goes to the new request's page. */
export function newRequestPage(main, config) {
  const categories = config.categories;
  const categoryHint = h("p", { id: "category-hint", class: "hint" });
  const category = h("select", { id: "category", name: "category", "aria-describedby": "category-hint" },
    categories.map((entry) => h("option", { value: entry.category, selected: entry.category === "helpdesk" },
      t(`category.${entry.category}`))));
  const clocksOf = (name) => categories.find((entry) => entry.category === name)?.clocks ?? [];
  const describeCategory = () => {
    const both = clocksOf(category.value).includes("resolution");
    categoryHint.textContent = both ? t("new.categoryBoth") : t("new.categoryChargeOnly");
    for (const label of priorityLabels) label.update(both);
  };
  category.addEventListener("change", describeCategory);

  const priorityLabels = [];
  const priorities = h("fieldset", { class: "priorities" }, h("legend", {}, t("new.priority")),
    config.priorities.map((rule) => {
      const id = `priority-${rule.priority}`;
      const sla = h("span", { class: "hint" });
      priorityLabels.push({ update: (both) => {
        const hours = t(rule.take_charge_hours === 1 ? "unit.hour" : "unit.hours", { n: rule.take_charge_hours });
        const days = t(rule.resolution_days === 1 ? "unit.day" : "unit.days", { n: rule.resolution_days });
        sla.textContent = t(both ? "new.prioritySla" : "new.prioritySlaChargeOnly", { hours, days });
      } });
      return h("div", { class: "choice" },
        h("input", { type: "radio", id, name: "priority", value: String(rule.priority), checked: rule.priority === 3 }),
        h("label", { for: id }, h("strong", {}, t(`priority.${rule.priority}`)), " — ", sla));
    }));

  const subject = h("input", { id: "subject", name: "subject", type: "text", required: true, maxlength: "200",
    autocomplete: "off" });
  const description = h("textarea", { id: "description", name: "description", rows: "8", required: true,
    maxlength: "20000", "aria-describedby": "description-hint" });
  const errors = h("div", { id: "form-errors", class: "field-error", role: "alert", tabindex: "-1", hidden: true });

  const form = h("form", { class: "box", novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    const missing = [[subject, "new.fieldSubject"], [description, "new.fieldDescription"]]
      .filter(([field]) => !field.value.trim());
    for (const field of [subject, description]) field.removeAttribute("aria-invalid");
    if (missing.length) {
      fail(missing.map(([, key]) => t("error.required", { field: t(key) })).join(" "), missing.map(([field]) => field));
      return;
    }
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const ticket = await api("/tickets", { method: "POST", body: {
        category: category.value,
        priority: Number(form.querySelector("input[name=priority]:checked").value),
        subject: subject.value.trim(),
        description: description.value.trim(),
      } });
      announce(t("new.opened", { id: ticket.id }));
      window.location.hash = `#/requests/${encodeURIComponent(ticket.id)}`;
    } catch (error) {
      button.disabled = false;
      if (error instanceof ApiError && error.status === 429) {
        // The creation limit: say when to try again, in minutes, never the API's own words.
        fail(t("new.tooMany", { minutes: Math.max(1, Math.ceil((error.retryAfter ?? 60) / 60)) }), []);
        return;
      }
      if (error instanceof ApiError && error.status === 403 && error.problem?.claim === "email") {
        fail(t("new.noAddress"), []);
        return;
      }
      if (!(error instanceof ApiError) || error.status !== 422) throw error;
      const field = error.problem?.field;
      const element = { subject, description, category }[field];
      fail(t("error.field", { field: FIELDS[field] ? t(FIELDS[field]) : field || "?",
        detail: error.problem?.detail || "" }), element ? [element] : []);
    }
  } },
  h("div", { class: "field" }, h("label", { for: "category" }, t("new.category")), category, categoryHint),
  priorities,
  h("div", { class: "field" }, h("label", { for: "subject" }, t("new.subject")), subject),
  h("div", { class: "field" }, h("label", { for: "description" }, t("new.description")),
    h("p", { id: "description-hint", class: "hint" }, t("new.descriptionHint")), description),
  errors,
  h("button", { type: "submit", class: "button" }, t("new.submit")));

  function fail(message, fields) {
    errors.hidden = false;
    errors.textContent = message;
    for (const field of fields) {
      field.setAttribute("aria-invalid", "true");
      field.setAttribute("aria-describedby", "form-errors");
    }
    (fields[0] || errors).focus();
  }

  describeCategory();
  replace(main, h("h1", { tabindex: "-1" }, t("new.title")), form);
}
