import { readFile } from "node:fs/promises";
import { validateEnvironments } from "../../../src/core/validation/index.js";
import { NOW, projectRoot, textDocument } from "../../helpers/fixtures.js";
import { memoryRepo } from "../../helpers/memory-repo.js";

const template = (certificates: string) => `apiVersion: envbot.dev/v1
kind: Template
name: site
description: test
variables:
  type: object
  properties:
    host: { type: string, default: www }
    site_certificate_pem: { type: string, default: x }
certificates:
${certificates}`;

const definition = (name: string, extra = "") => `apiVersion: envbot.dev/v1
kind: Environment
metadata:
  name: ${name}
  owner: "@octo"
spec:
  template: site
${extra}`;

async function problems(templateText: string, definitionText = definition("shop")): Promise<string[]> {
  const report = await validateEnvironments({ repo: memoryRepo({ "templates/site/template.yaml": templateText }), documents: [textDocument("shop.yaml", definitionText)], now: NOW });
  return report.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.path}: ${d.message}`);
}

describe("certificates in a template", () => {
  test("a valid declaration gives the template its certificates with their defaults", async () => {
    const report = await validateEnvironments({
      repo: memoryRepo({ "templates/site/template.yaml": template(`  web:\n    commonName: "{name}.example.com"\n`) }),
      documents: [textDocument("shop.yaml", definition("shop"))],
      now: NOW,
    });
    expect(report.diagnostics).toEqual([]);
    expect(report.environments[0]!.template.certificates).toEqual({
      web: { name: "web", commonName: "{name}.example.com", subjectAlternativeNames: [], lifetime: "30d", lifetimeMs: 30 * 86_400_000, keyAlgorithm: "ecdsa-p256" },
    });
  });

  test("a bad lifetime or name template is a schema error at its line", async () => {
    expect(
      await problems(
        template(`  web:
    commonName: "{name}.example.com"
    lifetime: 30 days
  site:
    commonName: "{NAME}.example.com"
`),
      ),
    ).toEqual([
      "shop.yaml:7:13 spec.template: template 'site' is invalid; fix templates/site/template.yaml first",
      "templates/site/template.yaml:13:15 certificates.web.lifetime: '30 days' is not a lifetime like 30d (m, h or d)",
      "templates/site/template.yaml:15:17 certificates.site.commonName: '{NAME}.example.com' is not a DNS name template: lowercase letters, digits, '.', '-', a leading '*.', {name} and {variables.NAME}",
    ]);
  });

  test("an unknown variable and a fixed name that is no DNS name are reported at their line", async () => {
    expect(
      await problems(
        template(`  web:
    commonName: "{variables.hostname}.example.com"
    subjectAlternativeNames: ["www..example.com", "{name}.example.com"]
`),
      ),
    ).toEqual([
      "shop.yaml:7:13 spec.template: template 'site' is invalid; fix templates/site/template.yaml first",
      "templates/site/template.yaml:12:17 certificates.web.commonName: {variables.hostname} names no variable of this template",
      "templates/site/template.yaml:13:31 certificates.web.subjectAlternativeNames[0]: 'www..example.com' is not a DNS name",
    ]);
  });

  test("a certificate whose variable names a declared variable already takes is reported at the certificate", async () => {
    expect(await problems(template(`  site:\n    commonName: "{name}.example.com"\n`))).toEqual([
      "shop.yaml:7:13 spec.template: template 'site' is invalid; fix templates/site/template.yaml first",
      "templates/site/template.yaml:11:3 certificates.site: certificate 'site' gives the module the variable 'site_certificate_pem', which is also declared as a variable or secret",
    ]);
  });
});

describe("a certificate's names for one environment", () => {
  const web = template(`  web:\n    commonName: "{variables.host}.{name}.example.com"\n`);

  test("a variable that makes a name no DNS name is reported at that variable", async () => {
    expect(await problems(web, definition("shop", "  variables:\n    host: Www\n"))).toEqual([
      "shop.yaml:9:11 spec.variables.host: certificate 'web' of template 'site': the name {variables.host}.{name}.example.com would be 'Www.shop.example.com', which is not a DNS name",
    ]);
  });

  test("with the variable's default (set by nobody in the definition), at the environment's name; a good value passes", async () => {
    const longName = `${"a".repeat(40)}`;
    const withLongHost = template(`  web:\n    commonName: "{name}-{name}.example.com"\n`);
    expect(await problems(withLongHost, definition(longName))).toEqual([
      `shop.yaml:4:9 metadata.name: certificate 'web' of template 'site': the name {name}-{name}.example.com would be '${longName}-${longName}.example.com', which is not a DNS name`,
      `shop.yaml:4:9 metadata.name: '${longName}' must equal the file's base name 'shop'`,
    ].sort());
    expect(await problems(web, definition("shop", "  variables:\n    host: api\n"))).toEqual([]);
  });
});

test("the starter's commented certificate, uncommented, is a valid declaration of static-site", async () => {
  const text = await readFile(`${projectRoot}/environments-template/templates/static-site/template.yaml`, "utf8");
  const uncommented = text.replace(/^# (certificates:|  .*)$/gm, "$1");
  expect(uncommented).toContain("\ncertificates:\n  web:\n");
  const report = await validateEnvironments({
    repo: memoryRepo({ "templates/static-site/template.yaml": uncommented }),
    documents: [textDocument("shop.yaml", definition("shop").replace("template: site", "template: static-site"))],
    now: NOW,
  });
  expect(report.diagnostics).toEqual([]);
  expect(Object.keys(report.environments[0]!.template.certificates ?? {})).toEqual(["web"]);
});
