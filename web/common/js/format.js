// Dates, working-time durations and sizes, in the interface's language.
import { language, t } from "./i18n.js";

/** An ISO 8601 instant as a date and time in the browser's time zone. */
export function dateTime(iso) {
  if (!iso) return "";
  const locale = language() === "it" ? "it-IT" : "en-GB";
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
}

/** Seconds of working time as hours and minutes ("3 h 20 min"). */
export function workingTime(seconds) {
  const minutes = Math.max(0, Math.round(seconds / 60));
  const hours = Math.floor(minutes / 60);
  return hours ? t("duration.hm", { h: hours, m: minutes % 60 }) : t("duration.m", { m: minutes });
}

/** A file size in bytes, KB or MB. */
export function size(bytes) {
  if (bytes < 1024) return t("size.bytes", { n: bytes });
  if (bytes < 1024 * 1024) return t("size.kb", { n: Math.round(bytes / 1024) });
  return t("size.mb", { n: (bytes / (1024 * 1024)).toFixed(1) });
}
