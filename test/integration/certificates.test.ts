import { execFile } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { openSqliteStore } from "../../src/adapters/store/sqlite/index.js";
import { createEngineSandbox, definitionYaml, type EngineSandbox } from "../helpers/engine-sandbox.js";
import { awsTestEnv, startMoto, type MotoServer } from "../helpers/moto-server.js";
import { runEnvbot } from "../helpers/run-cli.js";

// Certificates a template declares, issued by envbot from the operator's CA (two PEM files) and
// from AWS Private CA (moto), handed to the real terraform binary: the certificate verifies
// against its CA with the environment's names, its serial and expiry are listed by `envbot
// inventory`, its key appears in nothing envbot writes or prints, a second plan reuses it and a
// drift check past two thirds of its life renews it.

const run = promisify(execFile);
const DAY_MS = 86_400_000;

let caDir: string;
let operatorCa: { ENVBOT_CA_CERT_FILE: string; ENVBOT_CA_KEY_FILE: string };
let sandbox: EngineSandbox;
const envbot = (argv: string[], env: NodeJS.ProcessEnv = operatorCa, now = new Date()) => runEnvbot(argv, { cwd: sandbox.repoDir, env: { ...sandbox.env, ...env }, now });
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

beforeAll(async () => {
  caDir = await mkdtemp(path.join(tmpdir(), "envbot-ca-"));
  operatorCa = { ENVBOT_CA_CERT_FILE: path.join(caDir, "ca.crt"), ENVBOT_CA_KEY_FILE: path.join(caDir, "ca.key") };
  // The operator's CA, made as an operator would, with openssl (a SEC1 EC key).
  await run("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
    "-keyout", operatorCa.ENVBOT_CA_KEY_FILE, "-out", operatorCa.ENVBOT_CA_CERT_FILE, "-subj", "/CN=Acme Preview CA", "-days", "3650",
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  sandbox = await createEngineSandbox({ templates: ["tls-site"] });
  await sandbox.writeDefinition("shop", definitionYaml("shop", "tls-site", "  variables:\n    host: api\n"));
}, 60_000);
afterAll(async () => {
  await sandbox?.cleanup();
  await rm(caDir, { recursive: true, force: true });
});

/** Everything envbot recorded of the repository's runs, with their logs, events, environments and audit. */
async function recorded(repository: string, environment: string): Promise<string> {
  const store = openSqliteStore({ file: path.join(sandbox.dataDir, "envbot.db") });
  try {
    const runs = await store.listRuns(repository, environment);
    const logs = await Promise.all(runs.map((r) => store.readRunLog(r.id, 0, 10_000)));
    return JSON.stringify({
      runs,
      logs,
      events: await store.pendingEvents(1_000),
      environments: await store.listEnvironments(repository),
      inventory: await store.listInventory(repository, environment),
      certificates: await store.listCertificates(repository, environment),
      audit: await store.listAudit({ repositories: [repository], limit: 1_000 }),
    });
  } finally {
    await store.close();
  }
}

async function storedKey(repository: string, environment: string): Promise<string> {
  const store = openSqliteStore({ file: path.join(sandbox.dataDir, "envbot.db") });
  try {
    return (await store.getCertificate(repository, environment, "web"))!.privateKeyPem;
  } finally {
    await store.close();
  }
}

interface ListedCertificate {
  name: string;
  serial: string;
  commonName: string;
  dnsNames: string[];
  notAfter: string;
  renewsAt: string;
  issuer: string;
}

test("a certificate from the operator's CA reaches Terraform for the environment's names, is listed with its serial and expiry, and its key appears nowhere", async () => {
  const planned = await envbot(["plan", "shop"]);
  expect(planned).toMatchObject({ code: 0 });
  const applied = await envbot(["apply", "shop", "--yes", "--json"]);
  expect(applied).toMatchObject({ code: 0 });
  const { outputs } = JSON.parse(applied.stdout) as { outputs: { certificate_pem: string; private_key_sha256: string } };

  const ca = new X509Certificate(await readFile(operatorCa.ENVBOT_CA_CERT_FILE));
  const leaf = new X509Certificate(outputs.certificate_pem);
  expect(leaf.checkIssued(ca)).toBe(true);
  expect(leaf.verify(ca.publicKey)).toBe(true);
  expect(leaf.subject).toBe("CN=shop.preview.example.com");
  expect(leaf.subjectAltName).toBe("DNS:shop.preview.example.com, DNS:api.shop.example.com");
  expect(new Date(leaf.validTo).getTime() - new Date(leaf.validFrom).getTime()).toBe(30 * DAY_MS);
  // The chain Terraform got ends with the CA's certificate.
  expect(outputs.certificate_pem.trim().endsWith(ca.toString().trim())).toBe(true);

  const key = await storedKey(sandbox.repository, "shop");
  expect(outputs.private_key_sha256).toBe(sha256(key));

  const inventory = await envbot(["inventory", "shop", "--json"]);
  expect(inventory).toMatchObject({ code: 0 });
  const { certificates } = JSON.parse(inventory.stdout) as { certificates: ListedCertificate[] };
  expect(certificates).toEqual([
    expect.objectContaining({
      name: "web",
      serial: leaf.serialNumber.toLowerCase(),
      commonName: "shop.preview.example.com",
      dnsNames: ["shop.preview.example.com", "api.shop.example.com"],
      notAfter: new Date(leaf.validTo).toISOString(),
      issuer: "operator-ca",
    }),
  ]);
  const text = await envbot(["inventory", "shop"]);
  expect(text.stdout).toMatch(new RegExp(`^web +${leaf.serialNumber.toLowerCase()} +shop.preview.example.com, api.shop.example.com +${new Date(leaf.validTo).toISOString()}`, "m"));

  const everything = [planned, applied, inventory, text].map((r) => `${r.stdout}\n${r.stderr}`).join("\n") + (await recorded(sandbox.repository, "shop"));
  const body = key.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");
  // The first two lines of an EC key's body hold its private scalar (the rest is its public key, which the certificate has too).
  const [line1, line2] = key.trim().split("\n").slice(1, 3);
  for (const form of [key.trim(), body, line1!, line2!, Buffer.from(key).toString("base64")]) expect(everything).not.toContain(form);
  expect(everything).not.toContain("PRIVATE KEY");
}, 120_000);

test("a second plan reuses the certificate: no change, the same serial", async () => {
  const before = JSON.parse((await envbot(["inventory", "shop", "--json"])).stdout) as { certificates: ListedCertificate[] };
  const planned = await envbot(["plan", "shop", "--json"]);
  expect(planned).toMatchObject({ code: 0 });
  expect(JSON.parse(planned.stdout)).toMatchObject({ hasChanges: false });
  const after = JSON.parse((await envbot(["inventory", "shop", "--json"])).stdout) as { certificates: ListedCertificate[] };
  expect(after.certificates).toEqual(before.certificates);
}, 60_000);

test("a drift check once two thirds of its life have passed renews it; before then it does not", async () => {
  const [before] = (JSON.parse((await envbot(["inventory", "shop", "--json"])).stdout) as { certificates: ListedCertificate[] }).certificates;
  const renewsAt = new Date(before!.renewsAt);
  expect(renewsAt.getTime() - new Date(before!.notAfter).getTime()).toBe(-10 * DAY_MS);

  const early = await envbot(["reconcile", "--once", "--only", "drift", "--json", "--now", new Date(renewsAt.getTime() - 60_000).toISOString()]);
  expect(early).toMatchObject({ code: 0 });
  expect(JSON.parse(early.stdout)).toEqual([expect.objectContaining({ sweep: "drift", name: "shop", action: "in-sync" })]);
  const [kept] = (JSON.parse((await envbot(["inventory", "shop", "--json"])).stdout) as { certificates: ListedCertificate[] }).certificates;
  expect(kept!.serial).toBe(before!.serial);

  const due = await envbot(["reconcile", "--once", "--only", "drift", "--json", "--now", new Date(renewsAt.getTime() + 60_000).toISOString()]);
  expect(due).toMatchObject({ code: 0 });
  const [renewed] = (JSON.parse((await envbot(["inventory", "shop", "--json"])).stdout) as { certificates: ListedCertificate[] }).certificates;
  expect(renewed!.serial).not.toBe(before!.serial);
  expect(new Date(renewed!.notAfter).getTime()).toBe(Math.floor((renewsAt.getTime() + 60_000) / 1000) * 1000 + 30 * DAY_MS);
  // The drift check saw the new certificate as a change to apply.
  expect(JSON.parse(due.stdout)).toEqual([expect.objectContaining({ sweep: "drift", name: "shop", action: "drift", detail: "1 change(s) in Git not applied" })]);
  const key = await storedKey(sandbox.repository, "shop");
  expect(`${early.stdout}${early.stderr}${due.stdout}${due.stderr}${await recorded(sandbox.repository, "shop")}`).not.toContain(key.trim().split("\n")[1]);
}, 120_000);

test("without a CA, a template that declares certificates fails its plan naming the settings", async () => {
  await sandbox.writeDefinition("no-ca", definitionYaml("no-ca", "tls-site"));
  const planned = await envbot(["plan", "no-ca"], {});
  expect(planned.code).toBe(1);
  expect(planned.stderr).toContain("template 'tls-site' declares certificates (web), but this envbot server has no CA: set ENVBOT_CA_CERT_FILE and ENVBOT_CA_KEY_FILE (the operator's CA), or ENVBOT_CA_PCA_ARN (AWS Private CA)");
}, 60_000);

test("a CA key that is not the CA certificate's fails the plan readably, without showing either key", async () => {
  const otherKey = path.join(caDir, "other.key");
  await run("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", otherKey]);
  await sandbox.writeDefinition("wrong-key", definitionYaml("wrong-key", "tls-site"));
  const planned = await envbot(["plan", "wrong-key"], { ...operatorCa, ENVBOT_CA_KEY_FILE: otherKey });
  expect(planned.code).toBe(1);
  expect(planned.stderr).toContain(`ENVBOT_CA_KEY_FILE: ${otherKey} is not the key of the certificate in ENVBOT_CA_CERT_FILE (${operatorCa.ENVBOT_CA_CERT_FILE})`);
  for (const key of [await readFile(otherKey, "utf8"), await readFile(operatorCa.ENVBOT_CA_KEY_FILE, "utf8")]) {
    expect(planned.stdout + planned.stderr).not.toContain(key.split("\n")[1]);
  }
}, 60_000);

test("a name that is no DNS name once the environment's variables are put in is an error at the variable, before any plan", async () => {
  await sandbox.writeDefinition("bad-host", definitionYaml("bad-host", "tls-site", "  variables:\n    host: api_v2\n"));
  const validated = await envbot(["validate", "environments/bad-host.yaml"]);
  expect(validated.code).toBe(1);
  expect(validated.stdout).toContain(
    "environments/bad-host.yaml:9:11: spec.variables.host: certificate 'web' of template 'tls-site': the name {variables.host}.{name}.example.com would be 'api_v2.bad-host.example.com', which is not a DNS name",
  );
  const planned = await envbot(["plan", "bad-host"]);
  expect(planned.code).toBe(1);
}, 60_000);

describe("AWS Private CA", () => {
  let moto: MotoServer;
  let caArn: string;
  let caPem: string;

  beforeAll(async () => {
    moto = await startMoto();
    // The CA made through moto's ACM PCA API with boto3, independent of envbot's own client:
    // created, its CSR signed as a root, that certificate imported (the CA is then active).
    const script = `
import boto3, json, sys
pca = boto3.client("acm-pca", region_name="us-east-1", endpoint_url=sys.argv[1], aws_access_key_id="test", aws_secret_access_key="test")
arn = pca.create_certificate_authority(CertificateAuthorityConfiguration={"KeyAlgorithm": "RSA_2048", "SigningAlgorithm": "SHA256WITHRSA", "Subject": {"CommonName": "Acme Private CA"}}, CertificateAuthorityType="ROOT")["CertificateAuthorityArn"]
csr = pca.get_certificate_authority_csr(CertificateAuthorityArn=arn)["Csr"]
root = pca.issue_certificate(CertificateAuthorityArn=arn, Csr=csr.encode(), SigningAlgorithm="SHA256WITHRSA", TemplateArn="arn:aws:acm-pca:::template/RootCACertificate/V1", Validity={"Type": "YEARS", "Value": 10})["CertificateArn"]
pem = pca.get_certificate(CertificateAuthorityArn=arn, CertificateArn=root)["Certificate"]
pca.import_certificate_authority_certificate(CertificateAuthorityArn=arn, Certificate=pem.encode())
print(json.dumps({"arn": arn, "pem": pem}))
`;
    const { stdout } = await run("python3", ["-c", script, moto.endpoint]);
    ({ arn: caArn, pem: caPem } = JSON.parse(stdout) as { arn: string; pem: string });
    await sandbox.writeDefinition("pca", definitionYaml("pca", "tls-site"));
  }, 60_000);
  afterAll(async () => {
    await moto?.stop();
  });

  test("issues the certificate from a CSR envbot made: it verifies against the private CA, and is listed as the private CA's", async () => {
    const env = { ...awsTestEnv(moto.endpoint), ENVBOT_AWS_ENDPOINT: moto.endpoint, ENVBOT_CA_PCA_ARN: caArn };
    const applied = await envbot(["apply", "pca", "--yes", "--json"], env);
    expect(applied).toMatchObject({ code: 0 });
    const { outputs } = JSON.parse(applied.stdout) as { outputs: { certificate_pem: string; private_key_sha256: string } };
    const ca = new X509Certificate(caPem);
    const leaf = new X509Certificate(outputs.certificate_pem);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.subject).toBe("CN=pca.preview.example.com");
    expect(outputs.private_key_sha256).toBe(sha256(await storedKey(sandbox.repository, "pca")));
    // The key in the certificate is the one envbot keeps (moto signs the CSR's public key).
    const inventory = JSON.parse((await envbot(["inventory", "pca", "--json"], env)).stdout) as { certificates: ListedCertificate[] };
    expect(inventory.certificates).toEqual([expect.objectContaining({ name: "web", serial: leaf.serialNumber.toLowerCase(), issuer: "aws-private-ca", notAfter: new Date(leaf.validTo).toISOString() })]);
    expect(applied.stdout + applied.stderr).not.toContain((await storedKey(sandbox.repository, "pca")).trim().split("\n")[1]);
  }, 120_000);
});
