import { RecentFileChecks, freezeData } from "../../../src/core/validation/recent-file-checks.js";
import { readRepositoryConfig } from "../../../src/core/validation/read-repository-config.js";
import { validateTemplateFile } from "../../../src/core/validation/validate-template-file.js";
import { memoryRepo } from "../../helpers/memory-repo.js";

const file = (text: string) => ({ size: Buffer.byteLength(text), bytes: new TextEncoder().encode(text) });

describe("checks of a file kept by its bytes", () => {
  test("the same bytes are checked once; other bytes or another name are checked again; the least recently used goes first", () => {
    const recent = new RecentFileChecks<string>(2);
    let checks = 0;
    const check = (parts: string[], text: string) => recent.get(parts, file(text), () => `${parts.join("/")}:${text}:${++checks}`);
    expect(check(["a"], "x")).toBe("a:x:1");
    expect(check(["a"], "x")).toBe("a:x:1");
    expect(check(["a"], "y")).toBe("a:y:2");
    expect(check(["b"], "x")).toBe("b:x:3");
    // Limit 2: a:x was used least recently, so it was dropped.
    expect(check(["a"], "y")).toBe("a:y:2");
    expect(check(["a"], "x")).toBe("a:x:4");
  });

  test("shared results are frozen, so no caller can change what the next one gets; functions stay as they are", () => {
    const validate = Object.assign(() => true, { errors: null as unknown });
    const data = freezeData({ list: [{ a: 1 }], nested: { b: [2] }, validate });
    expect(Object.isFrozen(data.list[0])).toBe(true);
    expect(Object.isFrozen(data.nested.b)).toBe(true);
    expect(() => (data.nested.b as number[]).push(3)).toThrow(TypeError);
    // ajv sets .errors on its compiled functions at each call.
    validate.errors = [];
    expect(validate.errors).toEqual([]);
  });

  test("a repository's policy and a template, read twice at one content, are one result", async () => {
    const repo = memoryRepo({
      ".github/envbot.yml": "limits:\n  maxTtl: 72h\n",
      "templates/sandbox/template.yaml": "apiVersion: envbot.dev/v1\nkind: Template\nname: sandbox\ndescription: d\nvariables:\n  type: object\n  properties:\n    size: { type: string, default: small }\n",
    });
    const first = await readRepositoryConfig(repo);
    expect(await readRepositoryConfig(repo)).toBe(first);
    expect(first.config.limits.maxTtl).toBe("72h");
    const content = (await repo.readFile("templates/sandbox/template.yaml", 1 << 20))!;
    const template = await validateTemplateFile("sandbox", content);
    expect(template.ok).toBe(true);
    expect(await validateTemplateFile("sandbox", content)).toBe(template);
  });
});
