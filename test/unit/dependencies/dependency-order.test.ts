import { upstreamFirst } from "../../../src/core/environment/index.js";

const env = (name: string, ...upstreams: string[]) => ({ name, inputs: Object.fromEntries(upstreams.map((u, i) => [`v${i}`, { fromEnvironment: u, output: "url" }])) });

test("each environment comes after those among them whose outputs it takes; the rest keep their order", () => {
  const order = upstreamFirst([env("app", "db", "cache"), env("docs"), env("db", "net"), env("cache"), env("net")]).map((e) => e.name);
  expect(order).toEqual(["docs", "cache", "net", "db", "app"]);
});

test("an upstream outside the list (applied before) does not hold anything back; a loop keeps the given order", () => {
  expect(upstreamFirst([env("app", "shared-db"), env("web")]).map((e) => e.name)).toEqual(["app", "web"]);
  expect(upstreamFirst([env("a-one", "b-two"), env("b-two", "a-one"), env("c-three")]).map((e) => e.name)).toEqual(["c-three", "a-one", "b-two"]);
});
