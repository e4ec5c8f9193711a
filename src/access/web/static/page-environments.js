import { api, environmentPath } from "./api.js";
import { announce, fill, h } from "./dom.js";
import { expiry, shownStatus, when } from "./format.js";

const STATUSES = ["planned", "applying", "active", "expiring", "destroying", "destroyed", "failed"];
/** How often the table asks for changes. */
const REFRESH_MS = 5000;

/** The environments table: filters and search kept in the address, refreshed while the page is open. */
export function environmentsPage(main, { signal }) {
  const params = new URLSearchParams(location.search);
  const filters = {
    q: h("input", { id: "filter-q", type: "search", name: "q", value: params.get("q") ?? "", placeholder: "name, owner, description" }),
    status: h("select", { id: "filter-status", name: "status" }, h("option", { value: "" }, "Any"), STATUSES.map((s) => h("option", { value: s, selected: params.get("status") === s }, s))),
    template: h("input", { id: "filter-template", name: "template", value: params.get("template") ?? "", size: 12 }),
    owner: h("input", { id: "filter-owner", name: "owner", value: params.get("owner") ?? "", size: 14 }),
    drifted: h("input", { id: "filter-drifted", type: "checkbox", name: "drifted", checked: params.get("drifted") === "true" }),
  };
  const body = h("tbody");
  const summary = h("p", { class: "muted", id: "environments-summary" });
  const table = h(
    "table",
    { class: "cards", id: "environments" },
    h("caption", {}, "Environments you can see, by repository and name"),
    h("thead", {}, h("tr", {}, ["Environment", "Status", "Owner", "Template", "Repository", "Expires", "Drift / lock", "Last run"].map((title) => h("th", { scope: "col" }, title)))),
    body,
  );
  fill(main, 
    h("h1", {}, "Environments"),
    h(
      "form",
      { class: "filters", role: "search", "aria-label": "Filter environments", onsubmit: (event) => (event.preventDefault(), refresh(true)) },
      h("div", {}, h("label", { for: "filter-q" }, "Search"), filters.q),
      h("div", {}, h("label", { for: "filter-status" }, "Status"), filters.status),
      h("div", {}, h("label", { for: "filter-template" }, "Template"), filters.template),
      h("div", {}, h("label", { for: "filter-owner" }, "Owner"), filters.owner),
      h("div", { class: "checkbox" }, filters.drifted, h("label", { for: "filter-drifted" }, "Drifted only")),
      h("button", { type: "submit" }, "Apply filters"),
    ),
    summary,
    table,
  );
  for (const input of [filters.status, filters.drifted]) input.addEventListener("change", () => refresh(true));
  filters.q.addEventListener("input", debounce(() => refresh(true), 300));

  let items = [];
  async function refresh(userAsked = false) {
    const query = new URLSearchParams();
    for (const name of ["q", "status", "template", "owner"]) if (filters[name].value.trim()) query.set(name, filters[name].value.trim());
    if (filters.drifted.checked) query.set("drifted", "true");
    if (userAsked) history.replaceState(null, "", `/${query.size ? `?${query}` : ""}`);
    query.set("limit", "100");
    try {
      const page = await api(`/api/v1/environments?${query}`);
      items = page.items;
      render();
      summary.textContent = `${page.total} environment${page.total === 1 ? "" : "s"}${page.total > page.items.length ? `, the first ${page.items.length} shown` : ""}. Updated ${new Date().toLocaleTimeString()}.`;
      if (userAsked) announce(`${page.total} environments match`);
    } catch (error) {
      summary.textContent = `Could not load the environments: ${error.message}`;
      summary.className = "error";
    }
  }

  function render() {
    if (items.length === 0) {
      fill(body, h("tr", {}, h("td", { colspan: 8 }, "No environments match.")));
      return;
    }
    fill(body, 
      ...items.map((e) =>
        h(
          "tr",
          { "data-environment": `${e.repository}/${e.name}` },
          h("td", { "data-label": "Environment" }, h("a", { href: environmentPath(e) }, e.name), e.description ? h("div", { class: "muted" }, e.description) : null),
          h("td", { "data-label": "Status" }, h("span", { class: `badge status-${shownStatus(e)}`, ...(e.hibernatedAt && { title: `asleep since ${when(e.hibernatedAt)}` }) }, shownStatus(e))),
          h("td", { "data-label": "Owner" }, e.owner),
          h("td", { "data-label": "Template" }, e.template),
          h("td", { "data-label": "Repository" }, e.repository),
          h("td", { "data-label": "Expires", "data-expires": e.expiresAt ?? "" }, e.status === "destroyed" ? "—" : expiry(e.expiresAt)),
          h("td", { "data-label": "Drift / lock" }, e.drifted ? h("span", { class: "badge drift" }, "drifted") : null, " ", e.lock ? h("span", { class: "badge lock" }, e.lock.holder.kind === "pull-request" ? `locked by #${e.lock.holder.pullRequest}` : `locked by ${e.lock.holder.user}`) : null),
          h("td", { "data-label": "Last run" }, e.lastRun ? h("a", { href: `/runs/${e.lastRun.id}` }, `${e.lastRun.kind} ${e.lastRun.outcome}`) : "—"),
        ),
      ),
    );
  }

  // Countdowns move every second; the data every few seconds.
  const tick = setInterval(() => {
    for (const cell of body.querySelectorAll("td[data-expires]")) if (cell.dataset.expires) cell.textContent = expiry(cell.dataset.expires);
  }, 1000);
  const poll = setInterval(() => refresh(false), REFRESH_MS);
  signal.addEventListener("abort", () => (clearInterval(tick), clearInterval(poll)));
  return refresh(false);
}

function debounce(fn, ms) {
  let timer;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  };
}
