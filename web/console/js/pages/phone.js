// The switchboard: a request taken on the phone, opened for the caller's company with channel
// `phone`; the customer gets the receipt in its language. The customer is found by name or id
// (customer-picker.js), then the contact picked from its contacts or typed, then category,
// priority, language, subject and description.
import { ApiError, api } from "../../../common/js/api.js";
import { h, replace } from "../../../common/js/dom.js";
import { t } from "../../../common/js/i18n.js";
import { customerPicker } from "../customer-picker.js";

const FIELDS = ["customer_id", "contact_email", "contact_name", "category", "priority", "language", "subject",
  "description"];
const SOMEONE_ELSE = "";

function field(name, control) {
  return h("div", {}, h("label", { for: `phone-${name}` }, t(`field.${name}`)), control);
}

/** Renders the form into `main`; `opened(id)` is called with the new ticket's id. */
export function phonePage(main, config, opened) {
  const alert = h("p", { class: "notice notice-error", role: "alert", hidden: true });
  const input = (name, props = {}) => h("input", { id: `phone-${name}`, name, autocomplete: "off", ...props });
  const email = input("contact_email", { type: "email" });
  const name = input("contact_name");
  const typed = h("div", { class: "typed-contact" }, field("contact_email", email), field("contact_name", name));
  const contacts = h("fieldset", { class: "contacts", hidden: true });
  let customer = null;

  const chosenContact = () => contacts.querySelector("input[name=contact]:checked")?.value ?? SOMEONE_ELSE;
  const showTyped = () => { typed.hidden = chosenContact() !== SOMEONE_ELSE; };

  function offerContacts(picked) {
    customer = picked;
    alert.hidden = true;
    const radio = (value, label, checked) => h("div", {},
      h("input", { type: "radio", name: "contact", id: `phone-contact-${value || "other"}`, value, checked,
        onchange: showTyped }),
      " ", h("label", { for: `phone-contact-${value || "other"}` }, label));
    replace(contacts, h("legend", {}, t("field.contact")),
      (picked?.contacts ?? []).map((contact, index) => radio(contact.email, `${contact.name} <${contact.email}>`,
        index === 0)),
      radio(SOMEONE_ELSE, t("phone.someoneElse"), !picked?.contacts.length));
    contacts.hidden = !picked;
    showTyped();
  }

  const picker = customerPicker(offerContacts);

  function refuse(message, focus) {
    alert.textContent = message;
    alert.hidden = false;
    if (focus) {
      focus.setAttribute("aria-invalid", "true");
      focus.focus();
    }
  }

  const form = h("form", { class: "form-grid", novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    const elements = event.target.elements;
    for (const control of [picker.input, email, name, elements.subject, elements.description]) {
      control.removeAttribute("aria-invalid");
    }
    const value = (field) => elements[field].value.trim();
    if (!customer) return refuse(t("error.required", { field: t("field.customer") }), picker.input);
    if (!customer.entitled) return refuse(t("phone.lapsed"), null);
    const other = chosenContact() === SOMEONE_ELSE;
    const missing = [...(other ? [["contact_email", email]] : []), ["subject", elements.subject],
      ["description", elements.description]].find(([, control]) => !control.value.trim());
    if (missing) return refuse(t("error.required", { field: t(`field.${missing[0]}`) }), missing[1]);
    const contact = other ? { email: email.value.trim(), name: name.value.trim() }
      : customer.contacts.find((entry) => entry.email === chosenContact());
    const body = { channel: "phone", customer_id: customer.id, contact_email: contact.email,
      category: value("category"), priority: Number(value("priority")), subject: value("subject"),
      description: value("description") };
    if (contact.name) body.contact_name = contact.name;
    if (value("language")) body.language = value("language");
    try {
      const ticket = await api("/tickets", { method: "POST", body });
      opened(ticket.id);
    } catch (error) {
      const at = error instanceof ApiError ? error.problem?.field : null;
      const controls = { customer_id: picker.input, contact_email: other ? email : contacts.querySelector("input"),
        contact_name: name };
      refuse(at
        ? t("error.field", { field: FIELDS.includes(at) ? t(`field.${at}`) : at, detail: error.problem.detail })
        : error instanceof ApiError && error.status === 0 ? t("error.networkFormKept")
          : error instanceof ApiError && error.problem?.detail ? t("error.conflict", { detail: error.problem.detail })
            : t("error.generic", { status: error instanceof ApiError ? error.status : "?" }),
      at ? controls[at] ?? elements[at] ?? null : null);
    }
  } },
  picker.element,
  contacts,
  typed,
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
