import { startControlPlaneServer, type ControlPlaneServer } from "../helpers/api/control-plane-server.js";
import { FakeGitHub } from "../helpers/github/fake-github.js";
import { setupGitHubMock } from "../helpers/github/github-mock.js";

// An environment's certificates as the API shows them, in its view and its inventory: serial,
// names, validity, when it renews, which CA; never the key or the PEM. Each answer is checked
// against /api/v1/openapi.json.

const REPO = "octo-org/environments";
const KEY = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg-the-key\n-----END PRIVATE KEY-----\n";

const mock = setupGitHubMock();
let api: ControlPlaneServer;
let github: FakeGitHub;

beforeEach(async () => {
  mock.before();
  github = new FakeGitHub({ owner: "octo-org", repo: "environments" });
  github.install();
  github.permissions.set("rita", "read");
  api = await startControlPlaneServer();
  await api.store.upsertEnvironment({ repository: REPO, name: "checkout", template: "tls-site", owner: "@octo-org/web", status: "active" });
  await api.store.putCertificate({
    repository: REPO,
    environment: "checkout",
    name: "web",
    serial: "5f3a09c1d2e4b7a8",
    commonName: "checkout.preview.example.com",
    dnsNames: ["checkout.preview.example.com", "www.checkout.example.com"],
    notBefore: new Date("2026-12-01T00:00:00Z"),
    notAfter: new Date("2026-12-31T00:00:00Z"),
    issuer: "operator-ca",
    issuedAt: new Date("2026-12-01T00:00:01Z"),
    certificatePem: "-----BEGIN CERTIFICATE-----\nMIIB-the-certificate\n-----END CERTIFICATE-----\n",
    privateKeyPem: KEY,
  });
});

afterEach(async () => {
  await api.close();
  github.uninstall();
  mock.after();
  expect(api.violations).toEqual([]);
});

const as = (login: string) => ({ as: { session: api.sessionFor(login) } });
const listed = {
  name: "web",
  serial: "5f3a09c1d2e4b7a8",
  commonName: "checkout.preview.example.com",
  dnsNames: ["checkout.preview.example.com", "www.checkout.example.com"],
  notBefore: "2026-12-01T00:00:00.000Z",
  notAfter: "2026-12-31T00:00:00.000Z",
  renewsAt: "2026-12-21T00:00:00.000Z",
  issuer: "operator-ca",
};

test("a reader sees the environment's certificates in its view and its inventory, never a key or PEM", async () => {
  const view = await api.call("GET", `/api/v1/environments/${REPO}/checkout`, as("rita"));
  expect(view.status).toBe(200);
  expect(view.body.certificates).toEqual([listed]);
  const inventory = await api.call("GET", `/api/v1/environments/${REPO}/checkout/inventory`, as("rita"));
  expect(inventory.body).toEqual({ items: [], graph: null, certificates: [listed] });
  for (const body of [view.body, inventory.body]) {
    expect(JSON.stringify(body)).not.toContain("the-key");
    expect(JSON.stringify(body)).not.toContain("the-certificate");
  }
});
