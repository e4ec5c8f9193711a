import { apiRoutes } from "../../src/access/api/create-api-handler.js";
import { openApiDocument } from "../../src/access/api/openapi-document.js";
import { startControlPlaneServer, type ControlPlaneServer } from "../helpers/api/control-plane-server.js";
import { setupGitHubMock } from "../helpers/github/github-mock.js";

// The OpenAPI document and the code describe the same routes, and none but health and the
// document answers without credentials.

const mock = setupGitHubMock();
let api: ControlPlaneServer;
const PUBLIC = ["GET /api/v1/health", "GET /api/v1/health/ready", "GET /api/v1/openapi.json"];
const documented = Object.entries(openApiDocument.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));

beforeEach(async () => {
  mock.before();
  api = await startControlPlaneServer();
});
afterEach(async () => {
  await api.close();
  mock.after();
  expect(api.violations).toEqual([]);
});

test("every route of the code is in the document, and every operation of the document is a route", () => {
  const routes = apiRoutes.map((route) => `${route.method} ${route.path}`);
  expect([...routes, ...PUBLIC].sort()).toEqual([...documented].sort());
});

test("every route but health and the document answers 401 without credentials, as problem+json", async () => {
  const concrete = (path: string) => path.replace("{owner}", "octo-org").replace("{repo}", "environments").replace("{name}", "sandbox").replace("{id}", "1");
  const protectedRoutes = documented.filter((route) => !PUBLIC.includes(route));
  expect(protectedRoutes).toHaveLength(apiRoutes.length);
  for (const route of protectedRoutes) {
    const [method, path] = route.split(" ") as [string, string];
    const answer = await api.call(method, concrete(path), method === "POST" ? { body: {} } : {});
    expect([route, answer.status, answer.headers.get("content-type")]).toEqual([route, 401, "application/problem+json"]);
  }
  for (const route of PUBLIC) {
    const [method, path] = route.split(" ") as [string, string];
    expect([route, (await api.call(method, path)).status]).toEqual([route, 200]);
  }
});

test("a method a path does not take is a 405 that says which it takes", async () => {
  const answer = await api.call("DELETE", "/api/v1/environments", { as: { token: await api.tokenFor("alice", ["octo-org/environments"]) } });
  expect(answer.status).toBe(405);
  expect(answer.headers.get("allow")).toBe("GET");
});
