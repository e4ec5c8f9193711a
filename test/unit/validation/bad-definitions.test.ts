import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { localRepoFiles } from "../../../src/adapters/local/local-repo-files.js";
import { diskYamlValueCache } from "../../../src/adapters/yaml-cache/disk-yaml-value-cache.js";
import { useYamlValueCache, type YamlValueCache } from "../../../src/core/yaml/index.js";
import { validateEnvironments, type DefinitionDocument } from "../../../src/core/validation/index.js";
import { documentFrom, fixturePath, NOW, textDocument } from "../../helpers/fixtures.js";

/**
 * The corpus of bad definitions: every file under test/fixtures/environments/bad, with every
 * problem it must be reported for, as "LINE:COL path: message" (other files are named first).
 * Validated against the fixture repository test/fixtures/repos/basic (maxTtl 168h).
 */
const expectations: Record<string, string[]> = {
  "alias-bomb.yaml": [
    "10:12 the file expands aliases more than 100 times; write the values out instead",
  ],
  "control-character.yaml": [
    "6:21 the file contains the control character U+0007; is it a binary file?",
  ],
  "duplicate-key.yaml": [
    "9:3 duplicate key 'ttl': each key may appear once in a mapping",
  ],
  "empty.yaml": [
    "1:1 the file is empty; expected an environment definition (apiVersion: envbot.dev/v1, kind: Environment)",
  ],
  "expires-at-invalid.yaml": [
    "8:14 spec.expiresAt: 'next friday' is not an RFC 3339 date-time like 2026-12-01T00:00:00Z",
  ],
  "expires-at-no-zone.yaml": [
    "8:14 spec.expiresAt: '2026-12-01T00:00:00' is not an RFC 3339 date-time like 2026-12-01T00:00:00Z",
  ],
  "expires-at-over-maximum.yaml": [
    "8:14 spec.expiresAt: '2027-06-01T00:00:00Z' is more than 168h from now, the maximum set in .github/envbot.yml",
  ],
  "invalid-name.yaml": [
    "4:9 metadata.name: 'Invalid_Name' is not a valid name: use 2 to 40 lowercase letters, digits and '-', starting with a letter and not ending with '-'",
  ],
  "invalid-utf8.yaml": [
    "6:19 the file is not valid UTF-8: save it as UTF-8 text",
  ],
  "label-key-invalid.yaml": [
    "7:5 metadata.labels[\"Cost Center\"]: label key 'Cost Center' is not valid: use up to 63 lowercase letters, digits, '.', '_', '/' and '-'",
  ],
  "label-number.yaml": [
    "7:18 metadata.labels.cost-center: label values are strings: quote it, as in \"4711\"",
  ],
  "many-problems.yaml": [
    "5:10 metadata.owner: 'nobody' is not a GitHub user or team: write @user or @org/team",
    "8:8 spec.ttl: 'forever' is not a duration like 72h (a whole number followed by m, h or d)",
    "9:14 spec.protected: must be true or false, got 'true'",
    "11:15 spec.variables.replicas: 0 is less than the minimum of 1",
    "12:5 spec.variables.colour: unknown variable of template 'sandbox'; expected one of: greeting, replicas",
  ],
  "missing-owner.yaml": [
    "3:1 metadata.owner: required, but missing",
  ],
  "missing-spec.yaml": [
    "1:1 spec: required, but missing",
  ],
  "name-mismatch.yaml": [
    "4:9 metadata.name: 'checkout' must equal the file's base name 'name-mismatch'",
  ],
  "only-comments.yaml": [
    "1:1 the file is empty; expected an environment definition (apiVersion: envbot.dev/v1, kind: Environment)",
  ],
  "owner-not-github.yaml": [
    "5:10 metadata.owner: 'payments-team@example.com' is not a GitHub user or team: write @user or @org/team",
  ],
  "protected-yes.yaml": [
    "8:14 spec.protected: must be true or false, got 'yes'",
  ],
  "proto-key.yaml": [
    "8:3 spec.__proto__: unknown key; expected one of: template, ttl, expiresAt, protected, hibernation, variables, secrets, config",
  ],
  "secret-bad-env-name.yaml": [
    "11:27 spec.secrets.api_token.fromEnv: this value is not an environment variable name like CHECKOUT_API_TOKEN",
  ],
  "secret-file-out.yaml": [
    "11:28 spec.secrets.api_token.fromFile: this value is not a relative path inside the secrets directory like db/password: no '..', no leading '/'",
  ],
  "secret-key-without-aws.yaml": [
    "11:5 spec.secrets.api_token.fromAwsSecret: key and version belong to a secret fromAwsSecret",
  ],
  "secret-no-source.yaml": [
    "11:16 spec.secrets.api_token: a secret comes from one source: write one of fromEnv, fromAwsSecret, fromSsm or fromFile",
  ],
  "secret-two-sources.yaml": [
    "11:16 spec.secrets.api_token: a secret comes from one source: write one of fromEnv, fromAwsSecret, fromSsm or fromFile",
  ],
  "secret-plain-value.yaml": [
    "11:16 spec.secrets.api_token: a secret is never written in Git: refer to it as { fromEnv: VARIABLE_NAME } and set that variable on the envbot server",
  ],
  "secret-required-missing.yaml": [
    "6:1 spec.secrets.api_token: template 'with-secret' requires this secret; add it as { fromEnv: VARIABLE_NAME }",
  ],
  "secret-unknown.yaml": [
    "12:5 spec.secrets.db_password: template 'with-secret' takes no secret named 'db_password'; it takes: api_token",
  ],
  "spec-empty.yaml": [
    "6:6 spec: must be a mapping, got nothing",
  ],
  "syntax-error.yaml": [
    "8:38 YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]",
    "8:39 YAML syntax error: Flow map in block collection must be sufficiently indented and end with a }",
  ],
  "tab-indent.yaml": [
    "7:1 a tab is used for indentation; YAML indents with spaces",
  ],
  "template-invalid.yaml": [
    "7:13 spec.template: template 'broken' is invalid; fix templates/broken/template.yaml first",
    "templates/broken/template.yaml 10:7 variables.properties.size.minimun: 'minimun' is not a JSON Schema keyword",
  ],
  "template-missing.yaml": [
    "7:13 spec.template: there is no template 'static-sit' (no templates/static-sit/template.yaml); available: broken, sandbox, with-secret",
  ],
  "template-path.yaml": [
    "7:13 spec.template: '../../etc/passwd' is not a template name: templates are named like folders under templates/, e.g. static-site",
  ],
  "too-deep.yaml": [
    "9:45 the file nests mappings and lists more than 32 levels deep",
  ],
  "top-level-list.yaml": [
    "1:1 the top level must be a mapping of keys; expected an environment definition (apiVersion: envbot.dev/v1, kind: Environment), got a list",
  ],
  "top-level-scalar.yaml": [
    "1:1 the top level must be a mapping of keys; expected an environment definition (apiVersion: envbot.dev/v1, kind: Environment), got the value 'just some text'",
  ],
  "ttl-and-expires-at.yaml": [
    "9:3 spec.expiresAt: set either ttl or expiresAt, not both",
  ],
  "ttl-not-duration.yaml": [
    "8:8 spec.ttl: 'two days' is not a duration like 72h (a whole number followed by m, h or d)",
  ],
  "ttl-number.yaml": [
    "8:8 spec.ttl: 72 is not a duration like 72h (a whole number followed by m, h or d)",
  ],
  "ttl-over-maximum.yaml": [
    "8:8 spec.ttl: '30d' is longer than the maximum ttl of 168h set in .github/envbot.yml",
  ],
  "two-documents.yaml": [
    "8:1 the file holds more than one YAML document; keep one definition per file and remove this '---' and what follows",
  ],
  "unknown-spec-key.yaml": [
    "8:3 spec.tll: unknown key; did you mean 'ttl'?",
  ],
  "unknown-top-level-key.yaml": [
    "1:1 spec: required, but missing",
    "6:1 specs: unknown key; did you mean 'spec'?",
  ],
  "variable-out-of-range.yaml": [
    "9:15 spec.variables.replicas: 50 is more than the maximum of 10",
  ],
  "variable-required-missing.yaml": [
    "6:1 spec.variables.region: required, but missing",
  ],
  "variable-unknown.yaml": [
    "9:5 spec.variables.greting: unknown variable of template 'sandbox'; did you mean 'greeting'?",
  ],
  "variable-wrong-type.yaml": [
    "9:15 spec.variables.replicas: must be a whole number, got 'three'",
  ],
  "variables-not-mapping.yaml": [
    "8:14 spec.variables: must be a mapping, got a list",
  ],
  "wrong-api-version.yaml": [
    "1:13 apiVersion: must be 'envbot.dev/v1', got 'envbot.dev/v2'",
  ],
  "wrong-kind.yaml": [
    "2:7 kind: must be 'Environment', got 'Enviroment'",
  ],
  "yaml-tag.yaml": [
    "7:13 YAML tags such as '!python/object' are not allowed: write plain values",
  ],
};

const badDir = fixturePath("environments", "bad");
const repo = localRepoFiles(fixturePath("repos", "basic"));

async function problemsOf(documents: DefinitionDocument[]): Promise<string[]> {
  const report = await validateEnvironments({ repo, documents, now: NOW });
  const names = new Set(documents.map((d) => d.file));
  return report.diagnostics.map(
    (d) => `${names.has(d.file) ? "" : `${d.file} `}${d.line}:${d.column} ${d.path ? `${d.path}: ` : ""}${d.message}`,
  );
}

describe("a definition with mistakes", () => {
  test("the corpus has at least 30 bad definitions, each with expectations", async () => {
    const files = (await readdir(badDir)).sort();
    expect(files.length).toBeGreaterThanOrEqual(30);
    expect(files).toEqual(Object.keys(expectations).sort());
  });

  test.each(Object.entries(expectations))("%s is reported at the right line and column", async (file, expected) => {
    const problems = await problemsOf([await documentFrom(`${badDir}/${file}`, file)]);
    expect(problems).toEqual(expected);
  });

  test("a file over 256 KiB is refused before it is parsed", async () => {
    const huge = textDocument("huge.yaml", `apiVersion: envbot.dev/v1\ndescription: "${"x".repeat(300 * 1024)}"\n`);
    expect(await problemsOf([huge])).toEqual(["1:1 the file is 301 KiB; envbot reads YAML files of at most 256 KiB"]);
  });

  test("a secret written as a plain value is never repeated in any message", async () => {
    const report = await validateEnvironments({
      repo,
      documents: [await documentFrom(`${badDir}/secret-plain-value.yaml`, "secret-plain-value.yaml")],
      now: NOW,
    });
    expect(report.diagnostics).not.toHaveLength(0);
    expect(JSON.stringify(report)).not.toContain("hunter2");
  });

  test("nesting that would overflow the parser's stack is refused, not crashed on", async () => {
    const deep = textDocument("deep.yaml", `a:\n${"- ".repeat(100_000)}x\n`);
    expect(await problemsOf([deep])).toEqual(["2:201 the file nests mappings and lists more than 32 levels deep"]);
    const flow = textDocument("flow.yaml", `a: ${"[".repeat(100_000)}${"]".repeat(100_000)}\n`);
    expect(await problemsOf([flow])).toEqual(["1:68 the file nests mappings and lists more than 32 levels deep"]);
  });

  test("a byte order mark is accepted", async () => {
    const good = await readFile(fixturePath("repos", "basic", "environments", "good.yaml"));
    const withBom = { file: "good.yaml", content: { size: good.length + 3, bytes: new Uint8Array([0xef, 0xbb, 0xbf, ...good]) } };
    expect(await problemsOf([withBom])).toEqual([]);
  });
});

// The command line keeps the values of files that parsed cleanly (core/yaml/yaml-value-cache.ts)
// and parses a file again only when a message needs a position in it: every message of the
// corpus must come out the same, at the same place, when the definition, the templates and the
// configuration come from that cache.
describe("the same corpus read again from the YAML value cache", () => {
  let dir: string;
  let hits = 0;
  let kept = 0;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "envbot-yaml-cache-"));
    const disk = diskYamlValueCache(dir);
    const counting: YamlValueCache = {
      get: (text) => {
        const value = disk.get(text);
        if (value) hits++;
        return value;
      },
      set: (text, value) => {
        kept++;
        disk.set(text, value);
      },
    };
    useYamlValueCache(counting);
  });
  afterAll(async () => {
    useYamlValueCache(undefined);
    await rm(dir, { recursive: true, force: true });
  });

  test.each(Object.entries(expectations))("%s: the same problems, parsed and then from the cache", async (file, expected) => {
    const document = await documentFrom(`${badDir}/${file}`, file);
    const keptBefore = kept;
    expect(await problemsOf([document])).toEqual(expected);
    const keptFirst = kept - keptBefore;
    const hitsBefore = hits;
    expect(await problemsOf([document])).toEqual(expected);
    // The second time nothing is parsed cleanly that was not kept, and all that was kept is read back.
    expect(kept - keptBefore).toBe(keptFirst);
    expect(hits - hitsBefore).toBeGreaterThanOrEqual(keptFirst);
  });
});
