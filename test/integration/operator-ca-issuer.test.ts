import { execFile } from "node:child_process";
import { createPrivateKey, createPublicKey, X509Certificate } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { operatorCaIssuer } from "../../src/adapters/certificates/operator-ca-issuer.js";

// The operator's CA as openssl makes it: an RSA CA with a PKCS#1 key (the "traditional" format)
// signs both key kinds envbot makes; files that are not a CA and its key are refused readably.

const run = promisify(execFile);
let dir: string;
const file = (name: string) => path.join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "envbot-rsa-ca-"));
  await run("openssl", ["genrsa", "-traditional", "-out", file("ca.key"), "2048"]);
  await run("openssl", ["req", "-x509", "-key", file("ca.key"), "-out", file("ca.crt"), "-subj", "/CN=Acme RSA CA", "-days", "365", "-addext", "basicConstraints=critical,CA:TRUE"]);
  // A leaf, not a CA: its own key signs it, but it may not sign others.
  await run("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", file("leaf.key"), "-out", file("leaf.crt"), "-subj", "/CN=not a ca", "-days", "1", "-addext", "basicConstraints=critical,CA:FALSE"]);
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

test.each(["rsa-2048", "ecdsa-p256"] as const)("an RSA CA with a PKCS#1 key signs a %s certificate that verifies, for its names and lifetime", async (keyAlgorithm) => {
  expect(await readFile(file("ca.key"), "utf8")).toContain("BEGIN RSA PRIVATE KEY");
  const issuer = operatorCaIssuer({ certFile: file("ca.crt"), keyFile: file("ca.key") });
  const notBefore = new Date("2026-12-01T00:00:00Z");
  const issued = await issuer.issue({ commonName: "shop.example.com", dnsNames: ["shop.example.com", "*.shop.example.com"], notBefore, lifetimeMs: 3_600_000, keyAlgorithm });
  const ca = new X509Certificate(await readFile(file("ca.crt")));
  const leaf = new X509Certificate(issued.certificatePem);
  expect(leaf.verify(ca.publicKey)).toBe(true);
  expect(leaf.checkIssued(ca)).toBe(true);
  expect(leaf.ca).toBe(false);
  expect(leaf.subjectAltName).toBe("DNS:shop.example.com, DNS:*.shop.example.com");
  expect(issued).toMatchObject({ serial: leaf.serialNumber.toLowerCase(), notBefore, notAfter: new Date("2026-12-01T01:00:00Z") });
  const key = createPrivateKey(issued.privateKeyPem);
  expect(key.asymmetricKeyType).toBe(keyAlgorithm === "rsa-2048" ? "rsa" : "ec");
  expect(createPublicKey(key).export({ type: "spki", format: "der" })).toEqual(leaf.publicKey.export({ type: "spki", format: "der" }));
});

test("a certificate that is no CA's, a key that is not its certificate's, or a missing file is refused saying which setting, never showing a key", async () => {
  const issue = (certFile: string, keyFile: string) =>
    operatorCaIssuer({ certFile, keyFile }).issue({ commonName: "a.example.com", dnsNames: ["a.example.com"], notBefore: new Date(), lifetimeMs: 3_600_000, keyAlgorithm: "ecdsa-p256" });
  await expect(issue(file("leaf.crt"), file("leaf.key"))).rejects.toThrow(`ENVBOT_CA_CERT_FILE: ${file("leaf.crt")} is not a CA certificate (basicConstraints CA:TRUE)`);
  await expect(issue(file("ca.crt"), file("leaf.key"))).rejects.toThrow(`ENVBOT_CA_KEY_FILE: ${file("leaf.key")} is not the key of the certificate in ENVBOT_CA_CERT_FILE`);
  await expect(issue(file("ca.crt"), file("ca.crt"))).rejects.toThrow(`ENVBOT_CA_KEY_FILE: ${file("ca.crt")} holds no PEM private key`);
  await expect(issue(file("nowhere.crt"), file("ca.key"))).rejects.toThrow(`ENVBOT_CA_CERT_FILE: cannot read ${file("nowhere.crt")} (ENOENT)`);
});
