// Who else has a ticket's screen open, and who is writing: the screen beats
// (PUT /api/tickets/{id}/presence) every `heartbeat_seconds` the API names, and at once when the
// member starts or stops writing; each beat answers the others present. A failed beat is
// retried on the next one; presence never holds up the screen.
import { api, ticketPath } from "../../common/js/api.js";

/** Beats for ticket `id` until `stop()`; `composing()` says whether the member is writing now;
 * `show(others)` gets each answer's `others`. `changed()` beats at once when writing started or
 * stopped since the last beat. */
export function startPresence(id, composing, show) {
  let timer = null;
  let stopped = false;
  let last = null;
  let interval = 15;
  async function beat() {
    window.clearTimeout(timer);
    if (stopped) return;
    last = composing();
    try {
      const answer = await api(ticketPath(id, "/presence"), { method: "PUT", body: { composing: last } });
      interval = answer.heartbeat_seconds || interval;
      if (!stopped) show(answer.others);
    } catch {
      // No presence this time (offline, or the ticket left the member's sight): the next beat tries again.
    }
    if (!stopped) timer = window.setTimeout(beat, interval * 1000);
  }
  beat();
  return {
    changed: () => {
      if (composing() !== last) beat();
    },
    stop: () => {
      stopped = true;
      window.clearTimeout(timer);
    },
  };
}
