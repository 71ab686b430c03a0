// The page shell both apps share: the config document, the skip link, the sign-in panel, the
// language switcher, the signed-in account and the notice above the content. Each app keeps
// its own navigation and routes; the words come from its catalogue through t().
import { setApiBase } from "./api.js";
import { SignInError } from "./auth.js";
import { h, replace } from "./dom.js";
import { language, languages, t } from "./i18n.js";

/** The skip link moves the focus to the content without touching the address (its "#main"
 * would otherwise be a change of hash). */
export function wireSkipLink(main) {
  document.getElementById("skip-link").addEventListener("click", (event) => {
    event.preventDefault();
    main.focus();
  });
}

/** The app's config document (config.json beside the page), with the API's base set from it;
 * null after showing why it could not be read. */
export async function loadConfig(main) {
  try {
    const response = await fetch("config.json", { credentials: "omit" });
    const document_ = await response.json();
    if (!response.ok) throw new Error(document_.detail || response.status);
    setApiBase(document_.api);
    return document_;
  } catch (error) {
    replace(main, h("h1", { tabindex: "-1" }, t("app.title")),
      h("p", { class: "notice notice-error", role: "alert" }, t("error.config", { reason: String(error.message) })));
    return null;
  }
}

/** Why a sign-in failed, in the user's words. */
export function signInFailure(error) {
  const failure = error instanceof SignInError ? error.failure : "other";
  return t("auth.failed", { reason: t(`auth.failure.${failure}`) });
}

/** The signed-out page: the app's title, why the last try failed (if it did), the sign-in button. */
export function signInPanel(main, reason, onSignIn) {
  replace(main,
    h("h1", { tabindex: "-1" }, t("app.title")),
    reason ? h("p", { class: "notice notice-error", role: "alert" }, reason) : null,
    h("p", {}, t("auth.welcome")),
    h("button", { type: "button", class: "button", id: "sign-in", onclick: onSignIn }, t("auth.signIn")));
}

/** The language buttons; ``onChange(code)`` after a choice. */
export function languageSwitcher(onChange) {
  return h("div", { class: "languages", role: "group", "aria-label": t("lang.label") },
    languages().map((code) => h("button", {
      type: "button", class: "link-button", lang: code, "aria-pressed": String(code === language()),
      onclick: () => onChange(code),
    }, t(`lang.${code}`))));
}

/** Who is signed in, and the sign-out button. */
export function accountBox(name, onSignOut) {
  return h("div", { class: "account" },
    h("span", {}, t("auth.signedInAs", { name })),
    h("button", { type: "button", class: "button secondary", onclick: onSignOut }, t("auth.signOut")));
}

/** The notice above the content: the one shown replaced by ``notice``, or removed when null. */
export function showNotice(main, notice) {
  document.getElementById("notice")?.remove();
  if (notice) main.before(h("div", { id: "notice", class: "notice notice-error", role: "alert" }, notice));
}
