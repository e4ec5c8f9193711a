import { api } from "./api.js";
import { announce, confirmDialog, fill, h, safeLink } from "./dom.js";
import { expiry, shownStatus, when } from "./format.js";
import { resourcesView } from "./resources-view.js";
import { liveLog, planView, runSummary } from "./run-view.js";
import { mermaidImage } from "./mermaid-image.js";

const REFRESH_MS = 5000;

/** One environment: facts, outputs, certificates, resources, actions, and its timeline of runs (the running one's log live). */
export async function environmentPage(main, { signal }, repository, name) {
  const base = `/api/v1/environments/${repository}/${name}`;
  const message = h("div", { id: "action-result", role: "status" });
  let environment = await api(base);
  let liveRunId = null;
  // The run after which the inventory was last read: read again when another apply or destroy ends.
  let inventoryAfter;

  const act = async (label, path, body, describe) => {
    try {
      const result = await api(`${base}/${path}`, { method: "POST", body });
      fill(message, describe(result));
      message.className = "panel";
      announce(`${label}: done`);
      await refresh();
    } catch (error) {
      fill(message, h("p", { class: "error" }, `${label} failed: ${error.message}`));
      message.className = "panel";
    }
  };
  const pullRequestNote = (what) => (result) => h("p", {}, `${what}: `, safeLink(result.pullRequest.url, `pull request #${result.pullRequest.number}`), ". It is applied when merged.");
  const extendBy = h("select", { id: "extend-by" }, ["24h", "48h", "72h", "7d"].map((d) => h("option", { value: d }, d)));
  const wakeFor = h("select", { id: "wake-for" }, h("option", { value: "" }, "until its awake hours end"), ["1h", "2h", "4h", "8h"].map((d) => h("option", { value: d }, `for ${d}`)));
  // Shown while it sleeps (hibernation): awake now, for a while or until its next awake window ends.
  const wakeButton = h("button", {
    type: "button",
    id: "wake",
    hidden: true,
    onclick: async () =>
      (await confirmDialog({ title: `Wake ${name}?`, text: "envbot applies the definition on the default branch now; the schedule puts it to sleep again afterwards.", confirm: "Wake", extra: h("p", {}, h("label", { for: "wake-for" }, "Stay awake "), wakeFor) })) &&
      act("Wake", "wake", wakeFor.value ? { duration: wakeFor.value } : undefined, (r) => h("p", {}, `${r.waking ? "Waking up" : "It is awake"}; it stays awake until ${when(r.awakeUntil)}.`)),
  }, "Wake…");

  const actions = h(
    "div",
    { class: "actions" },
    wakeButton,
    h("button", { type: "button", onclick: async () => (await confirmDialog({ title: `Plan ${name} now?`, text: "envbot plans the definition on the default branch. Nothing is changed.", confirm: "Plan now" })) && act("Plan", "plan", undefined, () => h("p", {}, "The plan is queued; it appears under Runs.")) }, "Plan now"),
    h("button", {
      type: "button",
      class: "secondary",
      onclick: async () => (await confirmDialog({ title: `Extend ${name}?`, text: "envbot opens a pull request that moves the expiry later.", confirm: "Open the pull request", extra: h("p", {}, h("label", { for: "extend-by" }, "Extend by "), extendBy) })) && act("Extend", "extend", { by: extendBy.value }, pullRequestNote("Extension proposed")),
    }, "Extend"),
    h("button", { type: "button", class: "secondary", onclick: async () => (await confirmDialog({ title: `Unlock ${name}?`, text: "The pull request holding the lock loses it; another may plan this environment.", confirm: "Unlock" })) && act("Unlock", "unlock", undefined, (r) => h("p", {}, r.released ? "Unlocked." : "It was not locked.")) }, "Unlock"),
    h("button", { type: "button", class: "danger", onclick: async () => (await confirmDialog({ title: `Destroy ${name}?`, text: "envbot opens a pull request that removes the definition. Merging it destroys the environment and everything in it.", confirm: "Open the pull request", danger: true })) && act("Destroy", "destroy", undefined, pullRequestNote("Destruction proposed")) }, "Destroy…"),
  );

  const heading = h("h1");
  const facts = h("dl", { class: "facts panel" });
  const outputs = h("div");
  const certificates = h("section", { "aria-labelledby": "certificates-heading" });
  const dependencies = h("section", { "aria-labelledby": "dependencies-heading", id: "dependencies" });
  // The repository's dependency graph, drawn again only when it changes (the page refreshes itself).
  const graph = h("div");
  let drawnGraph = null;
  const timeline = h("ol", { class: "timeline", id: "timeline", "aria-label": "Runs, newest first" });
  const latestPlan = h("div");
  const live = h("section", { "aria-labelledby": "live-heading" });
  const resources = h("div", {}, h("p", { class: "muted" }, "Loading the resources…"));

  function render() {
    const e = environment;
    const badges = [
      h("span", { class: `badge status-${shownStatus(e)}`, id: "environment-status" }, shownStatus(e)),
      e.drifted ? h("span", { class: "badge drift" }, "drifted") : null,
      e.lock ? h("span", { class: "badge lock" }, e.lock.holder.kind === "pull-request" ? `locked by #${e.lock.holder.pullRequest}` : `locked by ${e.lock.holder.user}`) : null,
    ].filter(Boolean);
    fill(heading, e.name, ...badges.flatMap((badge) => [" ", badge]));
    wakeButton.hidden = !e.hibernatedAt;
    const url = e.outputs.url ?? e.outputs.website_url;
    fill(facts, 
      fact("Repository", e.repository),
      fact("Owner", e.owner),
      fact("Template", e.template),
      fact("Expires", e.expiresAt ? h("span", { title: when(e.expiresAt) }, expiry(e.expiresAt)) : "no expiry"),
      fact("First applied", e.firstAppliedAt ? when(e.firstAppliedAt) : "not yet"),
      fact("URL", typeof url === "string" ? safeLink(url) : "—"),
      e.description ? fact("Description", e.description) : null,
      Object.keys(e.labels).length ? fact("Labels", Object.entries(e.labels).map(([k, v]) => `${k}=${v}`).join(", ")) : null,
    );
    const entries = Object.entries(e.outputs);
    fill(outputs, 
      entries.length === 0
        ? h("p", { class: "muted" }, "No outputs (yet).")
        : h("table", {}, h("caption", {}, "Outputs of the last apply (sensitive ones are not shown)"), h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Name"), h("th", { scope: "col" }, "Value"))), h("tbody", {}, entries.map(([k, v]) => h("tr", {}, h("th", { scope: "row" }, k), h("td", {}, typeof v === "string" ? v : JSON.stringify(v)))))),
    );
    // Only an environment that takes outputs, or whose outputs others take, has this section.
    const link = (d) => h("li", {}, h("a", { href: `/environments/${e.repository}/${d.environment}` }, d.environment), ` (${d.variable} ← ${d.output})`);
    fill(dependencies, ...(e.upstreams.length + e.dependents.length === 0 ? [] : [
      h("h2", { id: "dependencies-heading" }, "Dependencies"),
      e.upstreams.length ? h("div", {}, h("h3", {}, "Takes outputs of"), h("ul", { id: "upstreams" }, e.upstreams.map(link))) : null,
      e.dependents.length ? h("div", {}, h("h3", {}, "Its outputs are taken by"), h("ul", { id: "dependents" }, e.dependents.map(link))) : null,
      graph,
    ]));
    if (e.dependencyGraph !== drawnGraph) {
      drawnGraph = e.dependencyGraph;
      fill(graph, drawnGraph ? dependencyFigure(drawnGraph) : null);
    }
    // Only an environment whose template declares certificates has a section for them; never a key.
    fill(certificates, ...(e.certificates.length === 0 ? [] : [
      h("h2", { id: "certificates-heading" }, "Certificates"),
      h("table", {},
        h("caption", {}, "Certificates envbot issued for it; each is renewed at the first plan or drift check after its renewal time"),
        h("thead", {}, h("tr", {}, ["Name", "Serial", "Names", "Expires", "Renews", "Issued by"].map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", {}, e.certificates.map((c) => h("tr", {},
          h("th", { scope: "row" }, c.name),
          h("td", {}, h("code", {}, c.serial)),
          h("td", {}, c.dnsNames.join(", ")),
          h("td", { title: when(c.notAfter) }, expiry(c.notAfter)),
          h("td", {}, when(c.renewsAt)),
          h("td", {}, c.issuer === "aws-private-ca" ? "AWS Private CA" : "the operator's CA"),
        ))),
      ),
    ]));
    fill(timeline, ...(e.runs.length ? e.runs.map(runSummary) : [h("li", {}, "No runs yet.")]));
    const lastPlan = e.runs.find((r) => r.plan);
    fill(latestPlan, lastPlan ? h("p", { class: "muted" }, `From run #${lastPlan.id} (${lastPlan.kind}, ${when(lastPlan.startedAt)}):`) : null, planView(lastPlan?.plan ?? null));
    const running = e.runs.find((r) => r.outcome === "running");
    if (running && running.id !== liveRunId) {
      liveRunId = running.id;
      fill(live, h("h2", { id: "live-heading" }, `Running now: #${running.id} ${running.kind}`), liveLog(running, { signal, onEnd: () => void refresh() }));
    }
    const lastChange = e.runs.find((r) => (r.kind === "apply" || r.kind === "destroy") && r.outcome !== "running")?.id ?? null;
    if (lastChange !== inventoryAfter) {
      inventoryAfter = lastChange;
      void loadResources();
    }
  }

  async function loadResources() {
    const after = inventoryAfter;
    try {
      const inventory = await api(`${base}/inventory`);
      if (after === inventoryAfter) fill(resources, resourcesView(inventory));
    } catch (error) {
      fill(resources, h("p", { class: "error" }, `Could not load the resources: ${error.message}`));
    }
  }

  async function refresh() {
    try {
      environment = await api(base);
      render();
    } catch {
      // The next refresh tries again; the page keeps what it showed.
    }
  }

  fill(main, 
    h("p", {}, h("a", { href: "/" }, "← Environments")),
    heading,
    facts,
    actions,
    message,
    live,
    h("h2", {}, "Latest plan"),
    latestPlan,
    h("h2", {}, "Outputs"),
    outputs,
    dependencies,
    certificates,
    h("h2", {}, "Resources"),
    resources,
    h("h2", {}, "Runs"),
    timeline,
  );
  render();
  const poll = setInterval(refresh, REFRESH_MS);
  signal.addEventListener("abort", () => clearInterval(poll));
}

function fact(term, value) {
  return h("div", {}, h("dt", {}, term), h("dd", {}, value));
}

/** The repository's environments and the outputs they take, drawn once Mermaid has loaded; its source is there at once. */
function dependencyFigure(source) {
  const picture = h("p", { class: "muted" }, "Drawing the graph…");
  mermaidImage(source, "Dependency graph of the repository's environments").then(
    (img) => picture.replaceWith(img),
    (error) => fill(picture, `The graph could not be drawn (${error.message}); its Mermaid source is below.`),
  );
  return [
    h("figure", { class: "graph", id: "dependency-graph" }, picture, h("figcaption", { class: "muted" }, "The repository's environments: an arrow points from an environment to the one whose output it takes, this one rounded.")),
    h("details", {}, h("summary", {}, "Mermaid source"), h("pre", { class: "source" }, h("code", {}, source))),
  ];
}
