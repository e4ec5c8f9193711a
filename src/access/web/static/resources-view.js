import { fill, h } from "./dom.js";
import { mermaidImage } from "./mermaid-image.js";

/**
 * An environment's inventory (GET .../inventory): its resources as a table, how they depend on
 * each other drawn as a graph, and the graph's Mermaid source to paste elsewhere.
 */
export function resourcesView(inventory) {
  if (inventory.items.length === 0) return h("p", { class: "muted" }, "No resources recorded yet: the inventory is taken after each apply.");
  return [resourcesTable(inventory.items), inventory.graph ? graphFigure(inventory) : null];
}

function resourcesTable(items) {
  return h(
    "table",
    { class: "cards resources", id: "resources" },
    h("caption", {}, "Resources after the last apply, by address"),
    h("thead", {}, h("tr", {}, ["Address", "Type", "Cloud id / ARN", "Module", "Depends on"].map((title) => h("th", { scope: "col" }, title)))),
    h(
      "tbody",
      {},
      items.map((r) =>
        h(
          "tr",
          { "data-address": r.address },
          h("th", { scope: "row", "data-label": "Address" }, breakable(r.address)),
          h("td", { "data-label": "Type" }, r.type),
          h("td", { "data-label": "Cloud id / ARN" }, cloudIds(r)),
          h("td", { "data-label": "Module" }, r.module ? breakable(r.module) : "root"),
          h("td", { "data-label": "Depends on" }, r.dependsOn.length ? r.dependsOn.map((address) => h("div", {}, breakable(address))) : "—"),
        ),
      ),
    ),
  );
}

/** The id the cloud gave the resource and its ARN, each on a line (once when they are the same). */
function cloudIds(resource) {
  const ids = [...new Set([resource.cloudId, resource.arn].filter(Boolean))];
  return ids.length ? ids.map((id) => h("div", {}, breakable(id))) : "—";
}

/** Addresses and ARNs may break after a dot, a colon or a slash (<wbr>), not inside a name. */
function breakable(text) {
  return text.split(/(?<=[.:/])/).flatMap((part, i) => (i === 0 ? [part] : [h("wbr"), part]));
}

/** The graph, drawn once Mermaid has loaded; its source is there at once. */
function graphFigure({ items, graph }) {
  const known = new Set(items.map((r) => r.address));
  const dependencies = items.reduce((count, r) => count + r.dependsOn.filter((d) => known.has(d)).length, 0);
  const alt = `Resource graph: ${plural(items.length, "resource")}, ${plural(dependencies, "dependency", "dependencies")}`;
  const picture = h("p", { class: "muted" }, "Drawing the graph…");
  mermaidImage(graph, alt).then(
    (img) => picture.replaceWith(img),
    (error) => fill(picture, `The graph could not be drawn (${error.message}); its Mermaid source is below.`),
  );
  return [
    h("figure", { class: "graph", id: "resource-graph" }, picture, h("figcaption", { class: "muted" }, "An arrow points from a resource to one it depends on.")),
    h("details", {}, h("summary", {}, "Mermaid source"), h("pre", { class: "source" }, h("code", {}, graph))),
  ];
}

function plural(count, one, many = `${one}s`) {
  return `${count} ${count === 1 ? one : many}`;
}
