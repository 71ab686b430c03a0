// The console's keyboard: one listener for the whole page; a key does nothing while the focus
// is in a field (so typing a reply is never a shortcut) or with Ctrl, Alt or Meta held.
import { h } from "../../common/js/dom.js";
import { t } from "../../common/js/i18n.js";

/** The shortcuts, each with its key and what it does (`keys.<name>` in both catalogues). */
export const SHORTCUTS = [
  ["j", "next"],
  ["k", "previous"],
  ["Enter", "open"],
  ["r", "reply"],
  ["n", "note"],
  ["a", "accept"],
  ["/", "search"],
  ["?", "help"],
];

function typing(target) {
  return target instanceof HTMLElement
    && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
}

/** Calls `handlers[name]` for each shortcut pressed (Enter is the browser's own: it follows the
 * focused row's link); a handler that is missing leaves the key alone. */
export function installShortcuts(handlers) {
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.altKey || event.metaKey || typing(event.target) || event.key === "Enter") return;
    const found = SHORTCUTS.find(([key]) => key === event.key);
    const handler = found ? handlers[found[1]] : null;
    if (!handler) return;
    event.preventDefault();
    handler();
  });
}

/** The dialog listing the shortcuts (opened with `?`, closed with Escape or its button). */
export function showShortcuts() {
  const dialog = h("dialog", { "aria-labelledby": "shortcuts-title" },
    h("h2", { id: "shortcuts-title" }, t("keys.title")),
    h("table", {}, h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("keys.key")),
      h("th", { scope: "col" }, t("keys.does")))),
    h("tbody", {}, SHORTCUTS.map(([key, name]) => h("tr", {}, h("td", {}, h("kbd", {}, key)),
      h("td", {}, t(`keys.${name}`)))))),
    h("p", {}, h("button", { type: "button", class: "button", onclick: () => dialog.close() }, t("keys.close"))));
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  return dialog;
}
