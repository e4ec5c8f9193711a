import { validateEnvironments } from "../../../src/core/validation/index.js";
import { NOW } from "../../helpers/fixtures.js";
import { memoryRepo } from "../../helpers/memory-repo.js";

// spec.hibernation, the repository's hibernation.default and a template's sleep values, as
// `envbot validate` and the check run report them: each mistake at its line.

const template = (sleep = "") => `apiVersion: envbot.dev/v1
kind: Template
name: sandbox
description: test
variables:
  type: object
  properties:
    replicas: { type: integer, minimum: 0, default: 2 }
    size: { type: string, enum: [small, large], default: large }
${sleep}`;

const definition = (name: string, spec = "") => `apiVersion: envbot.dev/v1
kind: Environment
metadata:
  name: ${name}
  owner: "@octo"
spec:
  template: sandbox
${spec}`;

const weekdays = `  hibernation:
    timeZone: Europe/Berlin
    awake:
      - days: [mon, tue, wed, thu, fri]
        from: "08:00"
        to: "19:00"
`;

async function validate(files: Record<string, string>) {
  const report = await validateEnvironments({ repo: memoryRepo({ "templates/sandbox/template.yaml": template(), ...files }), now: NOW, allTemplates: true });
  return { report, problems: report.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.path}: ${d.message}`) };
}

describe("hibernation in definitions, the repository's default and templates", () => {
  test("a definition's schedule becomes the environment's", async () => {
    const { report, problems } = await validate({ "environments/web.yaml": definition("web", weekdays) });
    expect(problems).toEqual([]);
    expect(report.environments[0]!.hibernation).toEqual({ timeZone: "Europe/Berlin", windows: [{ days: ["mon", "tue", "wed", "thu", "fri"], from: 480, to: 1140 }] });
  });

  test("the repository's default applies to environments that are not protected and say nothing; a definition may change a field or opt out", async () => {
    const { report, problems } = await validate({
      ".github/envbot.yml": `hibernation:\n  default:\n    timeZone: Europe/Berlin\n    awake:\n      - { days: [mon, tue, wed, thu, fri], from: "08:00", to: "19:00" }\n`,
      "environments/plain.yaml": definition("plain"),
      "environments/prod.yaml": definition("prod", "  protected: true\n"),
      "environments/ny.yaml": definition("ny", "  hibernation:\n    timeZone: America/New_York\n"),
      "environments/always.yaml": definition("always", "  hibernation:\n    enabled: false\n"),
    });
    expect(problems).toEqual([]);
    const byName = Object.fromEntries(report.environments.map((e) => [e.name, e.hibernation]));
    expect(byName.plain).toMatchObject({ timeZone: "Europe/Berlin" });
    expect(byName.prod).toBeUndefined();
    expect(byName.ny).toMatchObject({ timeZone: "America/New_York", windows: [{ from: 480, to: 1140 }] });
    expect(byName.always).toBeUndefined();
  });

  test("an unknown time zone, a window that ends before it starts, a day that is none and a schedule without windows are errors at their lines", async () => {
    const { problems } = await validate({
      "environments/zone.yaml": definition("zone", "  hibernation:\n    timeZone: Europe/Atlantis\n    awake:\n      - { days: [mon], from: \"08:00\", to: \"19:00\" }\n"),
      "environments/night.yaml": definition("night", "  hibernation:\n    timeZone: UTC\n    awake:\n      - days: [mon]\n        from: \"22:00\"\n        to: \"06:00\"\n"),
      "environments/day.yaml": definition("day", "  hibernation:\n    timeZone: UTC\n    awake:\n      - { days: [monday], from: \"08:00\", to: \"19:00\" }\n"),
      "environments/bare.yaml": definition("bare", "  hibernation:\n    timeZone: UTC\n"),
    });
    expect(problems).toEqual([
      "environments/bare.yaml:9:5 spec.hibernation: a schedule needs awake: give it here, or in hibernation.default of .github/envbot.yml",
      "environments/day.yaml:11:18 spec.hibernation.awake[0].days[0]: 'monday' is not a day: write mon, tue, wed, thu, fri, sat or sun",
      "environments/night.yaml:13:13 spec.hibernation.awake[0].to: '06:00' is not after from '22:00': a window that passes midnight is two, such as 22:00-24:00 and 00:00-06:00 on the next day",
      "environments/zone.yaml:9:15 spec.hibernation.timeZone: 'Europe/Atlantis' is not an IANA time zone like Europe/Berlin, America/New_York or UTC",
    ]);
  });

  test("a default with an unknown time zone is reported in .github/envbot.yml, not in each definition", async () => {
    const { problems } = await validate({
      ".github/envbot.yml": `hibernation:\n  default:\n    timeZone: Mars/Olympus\n    awake:\n      - { days: [mon], from: "08:00", to: "19:00" }\n`,
      "environments/plain.yaml": definition("plain"),
    });
    expect(problems).toEqual([".github/envbot.yml:3:15 hibernation.default.timeZone: 'Mars/Olympus' is not an IANA time zone like Europe/Berlin, America/New_York or UTC"]);
  });

  test("a template's sleep values are its own variables, each valid against its schema", async () => {
    const good = await validate({ "templates/sandbox/template.yaml": template("sleep:\n  variables:\n    replicas: 0\n    size: small\n"), "environments/web.yaml": definition("web", weekdays) });
    expect(good.problems).toEqual([]);
    expect(good.report.environments[0]!.template.sleep).toEqual({ variables: { replicas: 0, size: "small" } });
    const bad = await validate({ "templates/sandbox/template.yaml": template("sleep:\n  variables:\n    replicas: -1\n    colour: blue\n") });
    expect(bad.problems).toEqual([
      "templates/sandbox/template.yaml:12:15 sleep.variables.replicas: -1 does not satisfy the variable's schema",
      "templates/sandbox/template.yaml:13:5 sleep.variables.colour: the template takes no variable named 'colour'; it takes: replicas, size",
    ]);
  });
});

