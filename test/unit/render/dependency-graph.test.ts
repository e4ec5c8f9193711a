import { formatDependencyGraph, MAX_GRAPH_ENVIRONMENTS } from "../../../src/render/dependency-graph.js";

test("an arrow from each environment to the one whose output it takes, labelled with the output; the current one rounded", () => {
  expect(formatDependencyGraph([{ dependent: "app", upstream: "db", output: "url" }, { dependent: "db", upstream: "net", output: "subnet_ids" }], "db")).toBe(
    ['flowchart LR', '  e0["app"]', '  e1(["db"])', '  e2["net"]', '  e0 -->|"url"| e1', '  e1 -->|"subnet_ids"| e2'].join("\n"),
  );
  expect(formatDependencyGraph([])).toBeUndefined();
});

test("an output's name cannot end its label; past the limit the rest is counted, not drawn", () => {
  expect(formatDependencyGraph([{ dependent: "app", upstream: "db", output: 'u"|r<l' }])).toContain('e0 -->|"u#34;#124;r#60;l"| e1');
  const many = Array.from({ length: MAX_GRAPH_ENVIRONMENTS + 5 }, (_, i) => ({ dependent: `app-${String(i).padStart(3, "0")}`, upstream: "shared-db", output: "url" }));
  const graph = formatDependencyGraph(many)!;
  expect(graph.split("\n").filter((line) => /^ {2}e\d+\[/.test(line))).toHaveLength(MAX_GRAPH_ENVIRONMENTS);
  expect(graph).toContain('more["…and 6 more"]');
});
