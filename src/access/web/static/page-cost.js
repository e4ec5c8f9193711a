import { api } from "./api.js";
import { announce, fill, h } from "./dom.js";

const GROUPINGS = [
  ["owner", "Owner"],
  ["environment", "Environment"],
  ["template", "Template"],
  ["cost-center", "Cost center"],
];

const dollars = (value) => `$${value.toFixed(2)}`;

/**
 * A month's chargeback (GET /api/v1/cost): what the environments cost per owner, environment,
 * template or cost center, awake hours only, and what sleeping outside their awake hours saved.
 */
export async function costPage(main) {
  const params = new URLSearchParams(location.search);
  const month = h("input", { id: "cost-month", type: "month", name: "month", value: params.get("month") ?? new Date().toISOString().slice(0, 7) });
  const by = h("select", { id: "cost-by", name: "by" }, GROUPINGS.map(([value, label]) => h("option", { value, selected: (params.get("by") ?? "owner") === value }, label)));
  const result = h("div", { id: "cost-report" });
  fill(main,
    h("h1", {}, "Cost"),
    h("p", { class: "muted" }, "Each environment's hours in the month (UTC) times the hourly price its plan recorded; hours asleep outside its awake hours are not counted, and what they saved is shown beside."),
    h(
      "form",
      { class: "filters", "aria-label": "Report options", onsubmit: (event) => (event.preventDefault(), load(true)) },
      h("div", {}, h("label", { for: "cost-month" }, "Month"), month),
      h("div", {}, h("label", { for: "cost-by" }, "Group by"), by),
      h("button", { type: "submit" }, "Show"),
    ),
    result,
  );
  by.addEventListener("change", () => load(true));

  async function load(userAsked = false) {
    const query = new URLSearchParams({ by: by.value });
    if (month.value) query.set("month", month.value);
    if (userAsked) history.replaceState(null, "", `/cost?${query}`);
    try {
      const report = await api(`/api/v1/cost?${query}`);
      fill(result, reportTable(report));
      if (userAsked) announce(`Cost for ${report.month}: ${dollars(report.total.cost)}`);
    } catch (error) {
      fill(result, h("p", { class: "error" }, `Could not load the report: ${error.message}`));
    }
  }
  await load();
}

function reportTable(report) {
  const grouping = GROUPINGS.find(([value]) => value === report.by)?.[1] ?? report.by;
  // The saving is a column only when something slept this month.
  const slept = report.total.saved !== undefined;
  const columns = [grouping, "Environments", "Hours", "Cost", ...(slept ? ["Saved asleep"] : [])];
  const row = (cells) => h("tr", {}, cells.map((cell, i) => (i === 0 ? h("th", { scope: "row", "data-label": columns[0] }, cell) : h("td", { "data-label": columns[i] }, cell))));
  if (report.rows.length === 0) return h("p", { class: "muted" }, `No environment ran in ${report.month}.`);
  return h(
    "table",
    { class: "cards", id: "cost-table" },
    h("caption", {}, `${report.month} by ${grouping.toLowerCase()}, the most expensive first`),
    h("thead", {}, h("tr", {}, columns.map((title) => h("th", { scope: "col" }, title)))),
    h("tbody", {}, report.rows.map((r) => row([r.group, String(r.environments), r.hours.toFixed(2), dollars(r.cost), ...(slept ? [r.saved !== undefined ? dollars(r.saved) : "—"] : [])]))),
    h("tfoot", {}, row(["Total", String(report.total.environments), report.total.hours.toFixed(2), dollars(report.total.cost), ...(slept ? [dollars(report.total.saved)] : [])])),
  );
}
