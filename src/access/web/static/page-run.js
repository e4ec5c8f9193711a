import { api } from "./api.js";
import { fill, h } from "./dom.js";
import { shortSha, when } from "./format.js";
import { liveLog, planView } from "./run-view.js";

/** One run: what it planned or changed, and its log, live while it runs. */
export async function runPage(main, { signal }, id) {
  const run = await api(`/api/v1/runs/${id}`);
  const outcome = h("span", { class: `badge outcome-${run.outcome}`, id: "run-outcome" }, run.outcome);
  fill(main, 
    h("p", {}, h("a", { href: `/environments/${run.repository}/${run.environment}` }, `← ${run.environment}`)),
    h("h1", {}, `Run #${run.id}: ${run.kind} of ${run.environment} `, outcome),
    h(
      "dl",
      { class: "facts panel" },
      fact("Repository", run.repository),
      fact("Asked by", run.actor),
      fact("Commit", run.commit ? h("code", { title: run.commit }, shortSha(run.commit)) : "—"),
      fact("Started", h("time", { datetime: run.startedAt }, when(run.startedAt))),
      fact("Finished", run.finishedAt ? h("time", { datetime: run.finishedAt }, when(run.finishedAt)) : "still running"),
    ),
    run.error ? h("p", { class: "error" }, run.error) : null,
    h("h2", {}, "Plan"),
    planView(run.plan),
    h("h2", {}, "Log"),
    liveLog(run, {
      signal,
      onEnd: (result) => {
        outcome.textContent = result;
        outcome.className = `badge outcome-${result}`;
      },
    }),
  );
}

function fact(term, value) {
  return h("div", {}, h("dt", {}, term), h("dd", {}, value));
}
