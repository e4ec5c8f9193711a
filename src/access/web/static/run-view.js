import { h } from "./dom.js";
import { changesLabel, changesText, shortSha, when } from "./format.js";

/** A run's plan: the counts, and each resource with what happens to it. */
export function planView(plan) {
  if (!plan) return h("p", { class: "muted" }, "No plan was recorded for this run.");
  return h(
    "div",
    {},
    h("p", { class: "changes", "aria-label": changesLabel(plan) }, h("span", { class: "add" }, `+${plan.changes.add} to add`), "  ", h("span", { class: "change" }, `~${plan.changes.change} to change`), "  ", h("span", { class: "destroy" }, `-${plan.changes.destroy} to destroy`)),
    plan.resources.length === 0 ? h("p", { class: "muted" }, "No changes.") : h("ul", {}, plan.resources.map((r) => h("li", {}, h("code", {}, r.address), ` ${r.action}`))),
    plan.drift.length > 0 ? h("p", {}, h("strong", {}, "Changed outside Terraform: "), plan.drift.map((r) => r.address).join(", ")) : null,
  );
}

/** One line of a timeline: who, which commit, what, how it ended. */
export function runSummary(run) {
  return h(
    "li",
    { "data-run": run.id },
    h("a", { href: `/runs/${run.id}` }, `#${run.id} ${run.kind}`),
    h("span", { class: `badge outcome-${run.outcome}` }, run.outcome),
    h("span", {}, `by ${run.actor}`),
    run.commit ? h("code", { title: run.commit }, shortSha(run.commit)) : null,
    run.plan ? h("span", { class: "changes", "aria-label": changesLabel(run.plan) }, changesText(run.plan)) : null,
    h("time", { datetime: run.startedAt, class: "muted" }, when(run.startedAt)),
    run.error ? h("span", { class: "error" }, run.error) : null,
  );
}

/**
 * The run's log: its kept lines, then live (Server-Sent Events) while it runs. `onEnd` is told
 * the outcome once the run is over.
 */
export function liveLog(run, { signal, onEnd }) {
  const pre = h("pre", { class: "log", id: "run-log", tabindex: 0, "aria-label": `Log of run ${run.id}` });
  const state = h("p", { class: "muted", id: "run-log-state", role: "status" }, run.outcome === "running" ? "Following the log while Terraform runs…" : "");
  const source = new EventSource(`/api/v1/runs/${run.id}/log/stream`);
  let lines = 0;
  source.addEventListener("line", (event) => {
    const { line } = JSON.parse(event.data);
    const atBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
    pre.append(`${line}\n`);
    lines++;
    if (atBottom) pre.scrollTop = pre.scrollHeight;
  });
  source.addEventListener("end", (event) => {
    const { outcome } = JSON.parse(event.data);
    source.close();
    state.textContent = lines === 0 ? "No log lines were kept for this run." : `The run ${outcome}.`;
    onEnd?.(outcome);
  });
  // The server ended the stream: the token was revoked, the session ended or access was lost.
  source.addEventListener("revoked", (event) => {
    const { detail } = JSON.parse(event.data);
    source.close();
    state.textContent = `The log stopped: ${detail}.`;
  });
  source.addEventListener("error", () => {
    if (source.readyState === EventSource.CLOSED) state.textContent = "The log could not be loaded.";
  });
  signal.addEventListener("abort", () => source.close());
  return h("div", {}, state, pre);
}
