// The console's start: read the config document, finish a sign-in coming back from the staff
// issuer, then route on the address's hash: #/views/<view>[?filter&sort], #/tickets/<id>,
// #/phone. The language is the member's own choice (kept per member), else STAFF_LANGUAGE.
import { ApiError } from "../../common/js/api.js";
import { completeSignIn, configureSignIn, isRoute, session, signIn, signOut } from "../../common/js/auth.js";
import { h, replace } from "../../common/js/dom.js";
import { language, preferredLanguage, rememberUnder, setLanguage, t, useCatalogues } from "../../common/js/i18n.js";
import { accountBox, languageSwitcher, loadConfig, showNotice, signInFailure, signInPanel, wireSkipLink }
  from "../../common/js/shell.js";
import { draftsOf, dropAllDrafts } from "./drafts.js";
import { installShortcuts, showShortcuts } from "./keys.js";
import { MESSAGES } from "./messages.js";
import { listPage } from "./pages/list.js";
import { phonePage } from "./pages/phone.js";
import { repliesAdminPage } from "./pages/replies-admin.js";
import { searchPage } from "./pages/search.js";
import { ticketPage } from "./pages/ticket.js";
import { viewsFor } from "./views.js";

const main = document.getElementById("main");
const STAFF_ROLES = ["operator", "supervisor", "security"];
let config = null;
let notice = null;
/** The route on show: the last "#/…" hash. */
let route = "#/views/queue";
/** The last list shown, where a ticket's "back" link leads. */
let lastList = "#/views/queue";
/** The page on show's keyboard controls (and `stop`, for a list's refresh). */
let controls = {};

/** The signed-in member: roles (what the navigation offers), name, and the stable id their
 * drafts and language choice are kept under. */
function member() {
  const current = session();
  if (!current) return null;
  return { roles: current.roles || [], name: current.name, key: current.subject || current.email };
}

function showError(error) {
  let message = typeof error === "string" ? error : null;
  if (!message && error instanceof ApiError) {
    if (error.status === 401) {
      signInPage(t("auth.expired"));
      return;
    }
    message = error.status === 0 ? t("error.network") : error.status === 403 ? t("error.forbidden")
      : t("error.generic", { status: error.status });
  }
  notice = message || t("error.generic", { status: "?" });
  renderChrome();
}

function isStaff(me) {
  return me.roles.some((role) => STAFF_ROLES.includes(role));
}

function navigation(me) {
  const link = (href, key, active) => h("a", { href, "aria-current": active ? "page" : null }, t(key));
  const current = route.split("?")[0];
  return [
    h("ul", {}, viewsFor(me.roles).map((view) => h("li", {},
      link(`#/views/${view}`, `view.${view}`, current === `#/views/${view}`))),
    me.roles.includes("admin") ? h("li", {}, link("#/admin/replies", "replies.title",
      current.startsWith("#/admin/replies"))) : null),
    isStaff(me) ? h("p", { class: "side-action" }, h("a", { href: "#/phone", class: "button",
      "aria-current": current === "#/phone" ? "page" : null }, t("phone.title"))) : null,
    h("p", { class: "side-action" }, h("button", { type: "button", class: "link-button", onclick: showShortcuts },
      t("keys.title"))),
  ];
}

function renderChrome() {
  document.title = t("app.title");
  document.getElementById("skip-link").textContent = t("app.skip");
  document.getElementById("brand").textContent = t("app.brand");
  const me = member();
  const nav = document.getElementById("nav");
  nav.setAttribute("aria-label", t("nav.label"));
  replace(nav, me ? navigation(me) : null);
  const switcher = languageSwitcher((code) => { setLanguage(code, true); render(); });
  const account = me ? accountBox(me.name, async () => {
    dropAllDrafts();
    stopPage();
    await signOut(config);
    draftsOf(null);
    rememberUnder("console.language", config.language);
    render();
  }) : null;
  replace(document.getElementById("tools"), me ? searchBox() : null, switcher, account);
  showNotice(main, notice);
}

/** The search box at the top: its term goes to the address (#/search?q=), so results can be
 * reloaded and linked. */
function searchBox() {
  const current = route.startsWith("#/search?") ? new URLSearchParams(route.split("?")[1]).get("q") || "" : "";
  const input = h("input", { id: "search", type: "search", name: "q", value: current, autocomplete: "off",
    "aria-describedby": "search-hint" });
  return h("form", { class: "search", role: "search", onsubmit: (event) => {
    event.preventDefault();
    window.location.hash = `#/search?${new URLSearchParams({ q: input.value.trim() })}`;
  } },
  h("label", { for: "search", class: "visually-hidden" }, t("search.label")), input,
  h("span", { id: "search-hint", class: "visually-hidden" }, t("search.hint")),
  h("button", { type: "submit", class: "button secondary" }, t("search.submit")));
}

function signInPage(reason) {
  stopPage();
  renderChrome();
  signInPanel(main, reason, () => {
    signIn(config, language(), route).catch((error) => showError(signInFailure(error)));
  });
}

function stopPage() {
  if (controls.stop) controls.stop();
  controls = {};
}

/** Uses the member's own language choice (kept under their id), else STAFF_LANGUAGE. */
function useMembersLanguage(me) {
  rememberUnder(me ? `console.language.${me.key}` : "console.language", config.language);
  draftsOf(me ? me.key : null);
  setLanguage(preferredLanguage(false));
}

function notStaffPage() {
  replace(main, h("h1", { tabindex: "-1" }, t("app.title")), h("p", { role: "alert" }, t("error.notStaff")));
}

async function render() {
  stopPage();
  renderChrome();
  if (!config) return;
  const me = member();
  if (!me) {
    signInPage(null);
    return;
  }
  const [path, queryText] = route.slice(1).split("?");
  const query = new URLSearchParams(queryText || "");
  // The page left is gone at once: nothing on show can be acted on while the next one loads.
  replace(main, h("p", { class: "muted" }, t("app.loading")));
  try {
    const list = path.match(/^\/views\/([a-z_]+)$/);
    const ticket = path.match(/^\/tickets\/([^/]*)$/);
    const replies = path.match(/^\/admin\/replies(?:\/([a-z0-9-]{1,63}))?$/);
    if (replies && me.roles.includes("admin")) await repliesAdminPage(main, replies[1] || null);
    else if (!isStaff(me) && me.roles.includes("admin") && !replies) {
      window.location.hash = "#/admin/replies";
      return;
    } else if (!isStaff(me)) notStaffPage();
    else if (list && viewsFor(me.roles).includes(list[1])) {
      lastList = route;
      controls = await listPage(main, list[1], query, config, showError);
    } else if (list) {
      replace(main, h("h1", { tabindex: "-1" }, t("view.unavailable")), h("p", { role: "alert" }, t("error.forbidden")));
    } else if (ticket) {
      let id = ticket[1];
      try {
        id = decodeURIComponent(id);
      } catch {
        // A malformed escape: no ticket id; the ticket page answers "not found" without asking the API.
      }
      controls = await ticketPage(main, id, { config, back: lastList });
    } else if (path === "/search") {
      controls = await searchPage(main, query.get("q") || "", query.get("cursor"));
    } else if (path === "/phone") {
      phonePage(main, config, (id) => { window.location.hash = `#/tickets/${id}`; });
    } else {
      window.location.hash = "#/views/queue";
      return;
    }
  } catch (error) {
    showError(error);
  }
  renderChrome();
  main.querySelector("h1")?.focus({ preventScroll: false });
}

function followHash() {
  const hash = window.location.hash;
  if (hash && !isRoute(hash)) return false;
  route = hash && hash !== "#/" ? hash : "#/views/queue";
  return true;
}

async function start() {
  wireSkipLink(main);
  useCatalogues(MESSAGES, "console.language", "it");
  // The one redirect URI registered for the console: its page, fixed by where this module is served.
  configureSignIn("console", new URL("../", import.meta.url).href);
  setLanguage(preferredLanguage(false));
  renderChrome();
  config = await loadConfig(main);
  if (!config) return;
  useMembersLanguage(null);
  try {
    await completeSignIn(config);
  } catch (error) {
    followHash();
    signInPage(signInFailure(error));
    return;
  }
  useMembersLanguage(member());
  installShortcuts({
    next: () => controls.move?.(1),
    previous: () => controls.move?.(-1),
    reply: () => controls.reply?.(),
    note: () => controls.note?.(),
    accept: () => controls.accept?.(),
    help: showShortcuts,
    search: () => document.getElementById("search")?.focus(),
  });
  window.addEventListener("hashchange", () => {
    if (!followHash()) return;
    notice = null;
    render();
  });
  followHash();
  await render();
}

start();
