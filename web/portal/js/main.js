// The portal's start: read the config document, finish a sign-in coming back from the
// provider, then route on the address's hash (#/, #/new, #/requests/ID). Only hashes starting
// with "#/" are routes: any other fragment (the skip link's) leaves the page as it is.
import { ApiError } from "../../common/js/api.js";
import { completeSignIn, configureSignIn, isRoute, session, signIn, signOut } from "../../common/js/auth.js";
import { h, replace } from "../../common/js/dom.js";
import { language, preferredLanguage, setLanguage, t, useCatalogues } from "../../common/js/i18n.js";
import { accountBox, languageSwitcher, loadConfig, showNotice, signInFailure, signInPanel, wireSkipLink }
  from "../../common/js/shell.js";
import { MESSAGES } from "./messages.js";
import { newRequestPage } from "./pages/new-request.js";
import { requestPage } from "./pages/request.js";
import { requestsPage } from "./pages/requests.js";

const main = document.getElementById("main");
let config = null;
let notice = null;
/** The route on show: the last "#/…" hash (another fragment does not change the page). */
let route = "#/";

function showError(error) {
  let message = typeof error === "string" ? error : null;
  if (!message && error instanceof ApiError) {
    message = error.status === 0 ? t("error.network") : error.status === 401 ? t("auth.expired")
      : t("error.generic", { status: error.status });
  }
  notice = message || t("error.generic", { status: "?" });
  renderChrome();
}

function renderChrome() {
  document.title = t("app.title");
  document.getElementById("skip-link").textContent = t("app.skip");
  document.getElementById("brand").textContent = t("app.brand");
  const current = session();
  const nav = document.getElementById("nav");
  nav.setAttribute("aria-label", t("nav.label"));
  const link = (href, key, active) => h("a", { href, "aria-current": active ? "page" : null }, t(key));
  replace(nav, current ? h("ul", {},
    h("li", {}, link("#/", "nav.requests", route === "#/" || route.startsWith("#/?"))),
    h("li", {}, link("#/new", "nav.new", route === "#/new"))) : null);
  const switcher = languageSwitcher((code) => { setLanguage(code, true); render(); });
  const account = current ? accountBox(current.name, async () => {
    await signOut(config);
    render();
  }) : null;
  replace(document.getElementById("tools"), switcher, account);
  showNotice(main, notice);
}

function signInPage(reason) {
  signInPanel(main, reason, () => {
    signIn(config, language(), route).catch((error) => showError(signInFailure(error)));
  });
}

async function render() {
  renderChrome();
  if (!config) return;
  if (!session()) {
    signInPage(null);
    return;
  }
  const [path, queryText] = route.slice(1).split("?");
  const query = new URLSearchParams(queryText || "");
  try {
    const detail = path.match(/^\/requests\/([^/]*)$/);
    if (path === "/new") newRequestPage(main, config);
    else if (detail) {
      let id = detail[1];
      try {
        id = decodeURIComponent(id);
      } catch {
        // A malformed escape: no ticket id; requestPage answers "not found" without asking the API.
      }
      await requestPage(main, id, session()?.email, showError);
    } else await requestsPage(main, query);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      signInPage(t("auth.expired"));
    } else {
      showError(error);
    }
  }
  renderChrome();
  const heading = main.querySelector("h1");
  if (heading) heading.focus({ preventScroll: false });
}

/** Takes the address's hash as the route when it is one ("#/…"; none at all is the list);
 * whether it was. */
function followHash() {
  const hash = window.location.hash;
  if (hash && !isRoute(hash)) return false;
  route = hash || "#/";
  return true;
}

async function start() {
  useCatalogues(MESSAGES, "portal.language");
  // The one redirect URI registered for the portal: its page, fixed by where this module is served.
  configureSignIn("portal", new URL("../", import.meta.url).href);
  wireSkipLink(main);
  setLanguage(preferredLanguage());
  renderChrome();
  config = await loadConfig(main);
  if (!config) return;
  try {
    await completeSignIn(config);
  } catch (error) {
    notice = null;
    followHash();
    renderChrome();
    signInPage(signInFailure(error));
    return;
  }
  window.addEventListener("hashchange", () => {
    if (!followHash()) return;
    notice = null;
    render();
  });
  followHash();
  await render();
}

start();
