// The interface in Italian and English, for either app: the app hands over its catalogues and
// where the user's choice is kept (localStorage); the choice comes first, then the browser's
// languages, then the app's default. `t(key, values)` fills `{name}` placeholders with plain text.

let catalogues = { en: {} };
let storedAt = null;
let fallback = "en";
let current = "en";

/** The languages of the catalogues in use. */
export function languages() {
  return Object.keys(catalogues);
}

/** Uses `messages` (`{en: {...}, it: {...}}`), keeps the user's choice under `storageKey`, and
 * falls back to `defaultLanguage` when neither a choice nor the browser's languages name one. */
export function useCatalogues(messages, storageKey, defaultLanguage = "en") {
  catalogues = messages;
  storedAt = storageKey;
  fallback = messages[defaultLanguage] ? defaultLanguage : "en";
}

/** Keeps the choice under another key from now on (the console keeps one per user). */
export function rememberUnder(storageKey, defaultLanguage = fallback) {
  storedAt = storageKey;
  fallback = catalogues[defaultLanguage] ? defaultLanguage : fallback;
}

/** The stored choice; without one, the first of the browser's languages (when `browserFirst`)
 * that a catalogue speaks; else the default. */
export function preferredLanguage(browserFirst = true) {
  const stored = storedAt ? window.localStorage.getItem(storedAt) : null;
  if (languages().includes(stored)) return stored;
  if (browserFirst) {
    for (const tag of navigator.languages || [navigator.language || "en"]) {
      const base = String(tag).toLowerCase().split("-")[0];
      if (languages().includes(base)) return base;
    }
  }
  return fallback;
}

/** Switches the interface to `language` (and remembers the choice when `remember`). */
export function setLanguage(language, remember = false) {
  current = languages().includes(language) ? language : fallback;
  document.documentElement.lang = current;
  if (remember && storedAt) window.localStorage.setItem(storedAt, current);
}

export function language() {
  return current;
}

/** The message `key` in the current language with `{name}` placeholders filled. */
export function t(key, values = {}) {
  const template = catalogues[current]?.[key] ?? catalogues.en?.[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}
