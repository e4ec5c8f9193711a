import { certificateNames, fillNameTemplate, isDnsName } from "../../../src/core/certificates/certificate-names.js";
import { privateKeyForms } from "../../../src/core/certificates/provide-certificates.js";
import { reasonToIssue, renewalDue } from "../../../src/core/certificates/renewal.js";
import { createRedactor } from "../../../src/core/secrets/redactor.js";

const DAY = 86_400_000;
const issued = { dnsNames: ["shop.preview.example.com"], notBefore: new Date("2026-12-01T00:00:00Z"), notAfter: new Date("2026-12-31T00:00:00Z") };

describe("when a certificate is renewed", () => {
  test("a 30-day certificate is due 20 days in, two thirds of its life", () => {
    expect(renewalDue(issued)).toEqual(new Date("2026-12-21T00:00:00Z"));
  });

  test("it is reused until then, and replaced from then on, or once expired", () => {
    const names = issued.dnsNames;
    expect(reasonToIssue(issued, names, new Date("2026-12-01T00:00:00Z"))).toBeUndefined();
    expect(reasonToIssue(issued, names, new Date(renewalDue(issued).getTime() - 1))).toBeUndefined();
    expect(reasonToIssue(issued, names, renewalDue(issued))).toBe("two thirds of its life have passed");
    expect(reasonToIssue(issued, names, new Date(issued.notAfter.getTime() + DAY))).toBe("it expired");
  });

  test("a new one is issued when there is none, or when its names are not those wanted now (order included: the first is the common name)", () => {
    const now = new Date("2026-12-02T00:00:00Z");
    expect(reasonToIssue(undefined, issued.dnsNames, now)).toBe("none issued yet");
    expect(reasonToIssue(issued, ["shop.preview.example.com", "www.shop.example.com"], now)).toBe("its names changed");
    expect(reasonToIssue({ ...issued, dnsNames: ["a.example.com", "b.example.com"] }, ["b.example.com", "a.example.com"], now)).toBe("its names changed");
  });
});

describe("a certificate's names from its template", () => {
  const values = { name: "checkout", variables: { host: "api", port: 8443, tags: ["x"], upper: "API" } };

  test("{name} is the environment's name and {variables.X} a variable's value (a number as written)", () => {
    expect(fillNameTemplate("{name}.preview.example.com", values)).toBe("checkout.preview.example.com");
    expect(fillNameTemplate("{variables.host}-{variables.port}.{name}.example.com", values)).toBe("api-8443.checkout.example.com");
  });

  test("a variable that is no text or number makes no name", () => {
    expect(fillNameTemplate("{variables.tags}.example.com", values)).toBeUndefined();
    expect(fillNameTemplate("{variables.missing}.example.com", values)).toBeUndefined();
  });

  test("the common name comes first, then the other names, each once", () => {
    expect(certificateNames({ commonName: "{name}.example.com", subjectAlternativeNames: ["www.{name}.example.com", "{name}.example.com"] }, values)).toEqual({
      ok: true,
      commonName: "checkout.example.com",
      dnsNames: ["checkout.example.com", "www.checkout.example.com"],
    });
  });

  test("the first name that is no DNS name is reported with the template it came from", () => {
    expect(certificateNames({ commonName: "{name}.example.com", subjectAlternativeNames: ["{variables.upper}.example.com"] }, values)).toEqual({
      ok: false,
      template: "{variables.upper}.example.com",
      filled: "API.example.com",
    });
  });

  test.each([
    ["checkout.example.com", true],
    ["*.checkout.example.com", true],
    ["localhost", true],
    ["a_b.example.com", false],
    ["-a.example.com", false],
    ["a..example.com", false],
    ["a.*.example.com", false],
    [`${"a".repeat(64)}.example.com`, false],
    ["", false],
  ])("%s is a DNS name: %s", (name, valid) => {
    expect(isDnsName(name)).toBe(valid);
  });
});

describe("a private key in a text", () => {
  const key = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgm0d2Kp1Xz6v0q6Bn\nQ3rN1u5Yc8tHkLr9JmWvUo2gXy2hRANCAAT1cQ2v8Ho7o9xyK4aJ3s0Xf4b2nQ7p\nPq==\n-----END PRIVATE KEY-----\n";
  const redact = createRedactor(privateKeyForms(key));

  test.each([
    ["whole", key],
    ["as JSON", JSON.stringify({ key })],
    ["in base64", Buffer.from(key).toString("base64")],
    ["in one piece", key.split("\n").slice(1, -2).join("")],
  ])("is redacted %s", (_, text) => {
    const shown = redact(text);
    expect(shown).not.toContain(key.split("\n").slice(1, -2).join(""));
    expect(shown).not.toContain(key.split("\n")[1]);
    expect(shown).not.toContain(Buffer.from(key).toString("base64"));
  });
});
