// The switchboard's customer search: the operator types the start of the customer's name or id
// words, the matches (GET /api/customers?q=) come as a list of buttons, and one is picked. The
// field asks once the typing pauses, and an answer to a term since changed is dropped. Down
// arrow moves from the field into the matches, up and down between them, Escape back to the field;
// Enter in the field picks the first match.
import { ApiError, api } from "../../common/js/api.js";
import { h, replace } from "../../common/js/dom.js";
import { t } from "../../common/js/i18n.js";

const PAUSE_MS = 300;
const PAGE = "8";

/**
 * The picker: `{ element, input, focus }`; `picked(customer)` gets the customer chosen
 * (`{id, name, entitled, language, contacts}`), or null when the operator looks for another.
 */
export function customerPicker(picked) {
  const input = h("input", {
    id: "phone-customer", type: "search", autocomplete: "off", "aria-describedby": "phone-customer-hint",
    "aria-controls": "phone-customer-matches",
  });
  const status = h("p", { class: "hint", id: "phone-customer-status", role: "status" });
  const matches = h("ul", { class: "plain matches", id: "phone-customer-matches", "aria-label": t("phone.matches") });
  const chosen = h("div", { class: "chosen", hidden: true });
  const searching = h("div", {},
    h("label", { for: "phone-customer" }, t("field.customer")),
    input,
    h("p", { class: "hint", id: "phone-customer-hint" }, t("phone.customerHint")),
    status, matches);
  let asked = 0;
  let timer = null;

  const buttons = () => [...matches.querySelectorAll("button")];

  function choose(customer) {
    replace(chosen,
      h("p", {},
        h("strong", {}, customer.name), ` (${customer.id}) `,
        customer.entitled ? h("span", { class: "badge badge-ok" }, t("customer.entitled"))
          : h("span", { class: "badge badge-paused" }, t("customer.notEntitled"))),
      customer.entitled ? null : h("p", { class: "notice notice-error" }, t("phone.lapsed")),
      h("button", { type: "button", class: "button secondary", onclick: () => {
        chosen.hidden = true;
        searching.hidden = false;
        picked(null);
        input.focus();
      } }, t("phone.otherCustomer")));
    searching.hidden = true;
    chosen.hidden = false;
    picked(customer);
  }

  function show(found) {
    replace(matches, found.items.map((customer) => h("li", {},
      h("button", { type: "button", class: "link-button", "data-customer": customer.id, onclick: () => choose(customer) },
        `${customer.name} (${customer.id})`),
      customer.entitled ? null : h("span", { class: "badge badge-paused" }, ` ${t("customer.notEntitled")}`))));
    status.textContent = !found.items.length ? t("phone.noMatch")
      : found.more ? t("phone.moreMatch", { count: found.items.length }) : t("phone.found", { count: found.items.length });
  }

  async function ask(term) {
    const mine = ++asked;
    try {
      const found = await api(`/customers?${new URLSearchParams({ q: term, limit: PAGE })}`);
      if (mine === asked) show(found);
    } catch (error) {
      if (mine !== asked) return;
      replace(matches);
      status.textContent = error instanceof ApiError && error.status === 0 ? t("error.network") : t("phone.lookupFailed");
    }
  }

  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    const term = input.value.trim();
    if (!/[\p{L}\p{N}]/u.test(term)) {
      asked += 1;
      replace(matches);
      status.textContent = "";
      return;
    }
    timer = window.setTimeout(() => ask(term), PAUSE_MS);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" && buttons().length) {
      event.preventDefault();
      buttons()[0].focus();
    } else if (event.key === "Enter") {
      event.preventDefault();
      buttons()[0]?.click();
    }
  });
  matches.addEventListener("keydown", (event) => {
    const all = buttons();
    const at = all.indexOf(document.activeElement);
    if (at < 0) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      all[(at + (event.key === "ArrowDown" ? 1 : all.length - 1)) % all.length].focus();
    } else if (event.key === "Escape") {
      event.preventDefault();
      input.focus();
    }
  });

  return {
    element: h("div", { class: "customer-picker" }, searching, chosen),
    input,
    focus: () => (searching.hidden ? chosen.querySelector("button") : input).focus(),
  };
}
