// A ticket's service level shown plainly: the due time, the working time left, paused or
// breached in words (never by colour alone).
import { h } from "./dom.js";
import { dateTime, workingTime } from "./format.js";
import { t } from "./i18n.js";

/** One clock as a line of text with a badge: running, paused, breached, met, missed or not running. */
export function clockText(clock) {
  if (clock.state === "not_started") return h("span", { class: "muted" }, t("sla.notStarted"));
  if (clock.state === "stopped") {
    return clock.met === false || clock.breached
      ? h("span", { class: "badge badge-breached" }, t("sla.missed"))
      : h("span", { class: "badge badge-ok" }, t("sla.met"));
  }
  if (clock.breached) {
    return h("span", { class: "badge badge-breached" }, t("sla.breachedDue", { due: dateTime(clock.due) }));
  }
  const left = t("sla.left", { left: workingTime(clock.remaining_seconds) });
  if (clock.state === "paused") {
    return h("span", {}, h("span", { class: "badge badge-paused" }, t("sla.paused")), " · ", left);
  }
  return h("span", {}, t("sla.due", { due: dateTime(clock.due) }), " · ", left);
}

/** The clock that matters now: charge taking until the ticket is taken in charge, then resolution. */
export function currentClock(sla) {
  for (const name of ["take_charge", "resolution"]) {
    if (sla[name].state === "running" || sla[name].state === "paused") return [name, sla[name]];
  }
  return null;
}

/** The list's deadline cell: which clock, its due time and what is left, or the verdict. */
export function deadlineCell(sla) {
  const current = currentClock(sla);
  if (!current) {
    const stopped = ["resolution", "take_charge"].map((name) => sla[name]).find((clock) => clock.state === "stopped");
    return stopped ? clockText(stopped) : h("span", { class: "muted" }, t("sla.none"));
  }
  const [name, clock] = current;
  return h("span", { class: "deadline" }, h("span", { class: "clock-name" }, t(`clock.${name}`)), " ", clockText(clock));
}
