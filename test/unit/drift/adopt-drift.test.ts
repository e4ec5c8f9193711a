import { adoptionOf, variablePath } from "../../../src/core/environment-actions/adopt-drift.js";
import type { ResourceChange } from "../../../src/core/planning/index.js";

// Which drifted values the definition can take (`/envbot adopt`): the variable whose value the
// attribute had before the drift, as is or at the drifted key; anything else is named, with why.
const environment = {
  variables: { tags: { team: "web" }, index_document: "index.html", name: "shop" },
  config: { greeting: { fromSsm: "/shop/greeting" } },
  template: {
    variables: {
      defaults: { error_document: "error.html", labels: { tier: "gold", zone: "a" } },
      schema: { type: "object", properties: { tags: {}, index_document: {}, error_document: {}, labels: {}, name: {}, greeting: {} } },
    },
  },
} as never;
const bucket = "module.environment.aws_s3_bucket.site";
const update = (address: string, ...attributes: ResourceChange["attributes"]): ResourceChange => ({ address, action: "update", attributes });
const from = (variables: string[], within: (string | number)[], before: unknown, after: unknown) => ({ variables, within, before, after });

test("a map variable's entry, a variable as is, and one from the template's defaults are adopted where they drifted", () => {
  const { adopted, notAdopted } = adoptionOf(environment, [
    update(bucket, { path: "tags.team", source: from(["tags"], ["team"], "web", "checkout") }, { path: "tags_all.team" }),
    update("module.environment.aws_s3_bucket_website_configuration.site", { path: "index_document[0].suffix", source: from(["index_document"], [], "index.html", "home.html") }),
    update("module.environment.aws_s3_bucket.logs", { path: "tags.zone", source: from(["labels"], ["zone"], "a", "b") }),
  ]);
  expect(adopted).toEqual([
    { variable: "tags", path: ["team"], from: "web", to: "checkout", address: bucket, attribute: "tags.team" },
    { variable: "index_document", path: [], from: "index.html", to: "home.html", address: "module.environment.aws_s3_bucket_website_configuration.site", attribute: "index_document[0].suffix" },
    { variable: "labels", path: ["zone"], from: "a", to: "b", address: "module.environment.aws_s3_bucket.logs", attribute: "tags.zone" },
  ]);
  expect(notAdopted).toEqual([]);
  expect(adopted.map(variablePath)).toEqual(["tags.team", "index_document", "labels.zone"]);
});

test("what no variable holds is named with why: no source, a computed value, a value unset before, a server-read variable, a deleted resource", () => {
  const { adopted, notAdopted } = adoptionOf(environment, [
    update(bucket, { path: "tags.envbot:owner", source: from(["tags"], ["envbot:owner"], null, "@intruder") }, { path: "tags_all.envbot:owner", before: '"@acme/qa"', after: '"@intruder"' }),
    update(bucket, { path: "bucket", source: from(["name"], [], "shop-site", "other") }),
    update(bucket, { path: "greeting", source: from(["greeting"], [], "hi", "ho") }),
    update(bucket, { path: "password", sensitive: true }),
    { address: "module.environment.aws_s3_object.index", action: "delete", attributes: [] },
  ]);
  expect(adopted).toEqual([]);
  expect(notAdopted).toEqual([
    { address: bucket, attribute: "tags.envbot:owner", why: "no template variable sets it" },
    { address: bucket, attribute: "bucket", why: "its value is computed from name, not taken as is" },
    { address: bucket, attribute: "greeting", why: "no variable of the definition sets it" },
    { address: bucket, attribute: "password", why: "it is sensitive" },
    { address: "module.environment.aws_s3_object.index", attribute: "", why: "it was deleted outside of Terraform: applying re-creates it" },
  ]);
});

test("two attributes that drifted one variable apart: the first is adopted, the second named; the same value twice is adopted once", () => {
  const { adopted, notAdopted } = adoptionOf(environment, [
    update(bucket, { path: "tags.team", source: from(["tags"], ["team"], "web", "checkout") }),
    update("module.environment.aws_s3_bucket.logs", { path: "tags.team", source: from(["tags"], ["team"], "web", "checkout") }),
    update("module.environment.aws_s3_bucket.cdn", { path: "tags.team", source: from(["tags"], ["team"], "web", "search") }),
  ]);
  expect(adopted.map((a) => `${a.address} ${variablePath(a)}=${String(a.to)}`)).toEqual([`${bucket} tags.team=checkout`]);
  expect(notAdopted).toEqual([{ address: "module.environment.aws_s3_bucket.cdn", attribute: "tags.team", why: `${bucket} tags.team drifted to another value of the same variable` }]);
});

test("an attribute whose value two variables held alike is not guessed", () => {
  const twins = { ...(environment as object), variables: { index_document: "x.html", name: "x.html" } } as never;
  const { adopted, notAdopted } = adoptionOf(twins, [update(bucket, { path: "key", source: from(["index_document", "name"], [], "x.html", "y.html") })]);
  expect(adopted).toEqual([]);
  expect(notAdopted[0]!.why).toBe("it comes from more than one variable (index_document, name)");
});
