// A view row's SLA badge: the working time left on the clock that matters, or paused, or
// breached with its escalation level; always in words (the colour only repeats them).
import { h } from "../../common/js/dom.js";
import { dateTime, workingTime } from "../../common/js/format.js";
import { t } from "../../common/js/i18n.js";

/** The badge of a row's `sla` (`{clock, due, working_seconds_left, paused, breached, escalation_level}`). */
export function slaBadge(sla) {
  if (!sla || !sla.clock) return h("span", { class: "muted" }, t("sla.none"));
  const clock = t(`clock.${sla.clock}`);
  if (sla.breached) {
    const level = sla.escalation_level ? t("sla.level", { level: sla.escalation_level }) : "";
    return h("span", { class: "badge badge-breached", title: t("sla.dueAt", { due: dateTime(sla.due) }) },
      t("sla.breachedRow", { clock, level }).trim());
  }
  if (sla.paused) return h("span", { class: "badge badge-paused" }, t("sla.pausedRow", { clock }));
  const left = sla.working_seconds_left === null ? "" : workingTime(sla.working_seconds_left);
  return h("span", { class: "badge badge-running", title: t("sla.dueAt", { due: dateTime(sla.due) }) },
    t("sla.leftRow", { clock, left }));
}
