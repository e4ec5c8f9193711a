import { jest } from "@jest/globals";
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { request } from "node:http";
import { connect } from "node:net";
import { networkInterfaces } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { projectRoot } from "../helpers/fixtures.js";
import { applySandbox, startUi, type AppliedSandbox, type UiProcess } from "../helpers/envbot-ui-process.js";

// `envbot ui` as a person runs it after the quick start: the sandbox applied by the real command
// into a fresh data directory, then the dashboard's server started as a process over the same
// records; what it serves, to whom, and on which address.
jest.setTimeout(180_000);
const run = promisify(execFile);

let sandbox: AppliedSandbox;
let ui: UiProcess;

beforeAll(async () => {
  sandbox = await applySandbox("tester");
  ui = await startUi(sandbox.env);
});
afterAll(async () => {
  await ui?.interrupt();
  await sandbox?.cleanup();
});

/** Signs in with the printed address: the session cookie it sets ("name=value"). */
async function signIn(): Promise<string> {
  const answer = await fetch(ui.url, { redirect: "manual" });
  expect(answer.status).toBe(303);
  expect(answer.headers.get("location")).toBe("/");
  const setCookie = answer.headers.get("set-cookie")!;
  expect(setCookie).toMatch(new RegExp(`^envbot_ui_${ui.port}=[^;]+; Path=/; HttpOnly; SameSite=Strict; Max-Age=\\d+$`));
  return setCookie.split(";")[0]!;
}

/** A request with any Host header (fetch sets its own). */
function rawGet(pathname: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: ui.port, path: pathname, headers }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => void (body += chunk.toString("utf8")));
      res.on("end", () => resolve({ status: res.statusCode!, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** Whether a connection to this machine's own `host`:`port` is taken: the kernel answers at once, so no deadline is needed. */
function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

test("it prints where it serves what: the checkout, its data directory (under HOME), and an address on 127.0.0.1 with a token", () => {
  expect(ui.output()).toContain(`The dashboard of ${path.join(projectRoot, "environments-template")} (data directory ~/data; shown as local/environments-template-`);
  expect(ui.output()).toContain("it signs you in as cli:tester");
  expect(ui.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
});

test("without the token or its session, everything is refused: the page, its files and the API", async () => {
  for (const pathname of ["/", "/assets/app.js", "/api/v1/environments", "/api/v1/session", `/environments/${ui.shownAs}/sandbox`]) {
    expect({ pathname, status: (await fetch(`${ui.origin}${pathname}`, { redirect: "manual" })).status }).toEqual({ pathname, status: 401 });
  }
  // A wrong token, and a cookie this server did not seal.
  expect((await fetch(`${ui.origin}/?token=${"A".repeat(43)}`, { redirect: "manual" })).status).toBe(403);
  expect((await fetch(`${ui.origin}/api/v1/environments`, { headers: { cookie: `envbot_ui_${ui.port}=forged.value` } })).status).toBe(401);
  // An API token of the App's kind is no way in either.
  expect((await fetch(`${ui.origin}/api/v1/environments`, { headers: { authorization: "Bearer envbot_0123456789" } })).status).toBe(401);
});

test("with the token, the API lists the sandbox as active with its runs, its log, inventory, cost and audit", async () => {
  const cookie = await signIn();
  const get = async (pathname: string) => {
    const answer = await fetch(`${ui.origin}${pathname}`, { headers: { cookie } });
    expect({ pathname, status: answer.status }).toEqual({ pathname, status: 200 });
    return (await answer.json()) as Record<string, unknown>;
  };
  expect(await get("/api/v1/session")).toEqual({ login: "cli:tester", via: "session", csrfToken: expect.any(String) });
  const environments = (await get("/api/v1/environments")) as { items: { repository: string; name: string; status: string; lastRun: { id: number; kind: string; outcome: string } | null }[]; total: number };
  expect(environments.total).toBe(1);
  expect(environments.items).toEqual([expect.objectContaining({ repository: ui.shownAs, name: "sandbox", status: "active", lastRun: expect.objectContaining({ kind: "apply", outcome: "succeeded" }) })]);
  expect(await get("/api/v1/repositories")).toEqual({ items: [{ repository: ui.shownAs, permission: "admin" }] });

  const detail = (await get(`/api/v1/environments/${ui.shownAs}/sandbox`)) as { runs: { id: number; kind: string; outcome: string; actor: string }[] };
  // Newest first: the apply (after any plan the command recorded on the way).
  expect(detail.runs[0]).toEqual(expect.objectContaining({ kind: "apply", outcome: "succeeded", actor: "cli:tester" }));
  const runs = (await get(`/api/v1/runs?repository=${ui.shownAs}`)) as { items: { id: number; environment: string; repository: string }[] };
  expect(runs.items.map((r) => r.id)).toEqual(detail.runs.map((r) => r.id));
  expect(new Set(runs.items.map((r) => `${r.repository} ${r.environment}`))).toEqual(new Set([`${ui.shownAs} sandbox`]));
  const runId = detail.runs[0]!.id;
  expect(await get(`/api/v1/runs/${runId}`)).toEqual(expect.objectContaining({ id: runId, repository: ui.shownAs, environment: "sandbox", kind: "apply" }));
  const log = (await get(`/api/v1/runs/${runId}/log`)) as { lines: { line: string }[]; complete: boolean };
  expect(log.complete).toBe(true);
  expect(log.lines.map((l) => l.line).join("\n")).toMatch(/Apply complete/);
  // The live log's stream: the kept lines, then the end.
  const stream = await (await fetch(`${ui.origin}/api/v1/runs/${runId}/log/stream`, { headers: { cookie } })).text();
  expect(stream).toMatch(/event: line\n[\s\S]*event: end\ndata: \{"outcome":"succeeded"/);

  const inventory = (await get(`/api/v1/environments/${ui.shownAs}/sandbox/inventory`)) as { items: { address: string }[] };
  expect(inventory.items.length).toBeGreaterThan(0);
  expect(await get("/api/v1/cost?by=environment")).toEqual(expect.objectContaining({ rows: [expect.objectContaining({ group: `${ui.shownAs} sandbox`, environments: 1 })] }));
  const audit = (await get("/api/v1/audit")) as { items: { actor: string; action: string; repository: string; environment?: string }[] };
  expect(audit.items).toEqual(expect.arrayContaining([expect.objectContaining({ actor: "cli:tester", action: "apply", repository: ui.shownAs, environment: "sandbox" })]));
});

test("actions that need GitHub say they are not available locally; a change still needs the session's CSRF token", async () => {
  const cookie = await signIn();
  const { csrfToken } = (await (await fetch(`${ui.origin}/api/v1/session`, { headers: { cookie } })).json()) as { csrfToken: string };
  const post = (pathname: string, headers: Record<string, string>, body?: object) =>
    fetch(`${ui.origin}${pathname}`, { method: "POST", headers: { cookie, ...headers, ...(body && { "content-type": "application/json" }) }, body: body && JSON.stringify(body) });

  const withoutCsrf = await post(`/api/v1/environments/${ui.shownAs}/sandbox/unlock`, {});
  expect(withoutCsrf.status).toBe(403);
  expect(((await withoutCsrf.json()) as { detail: string }).detail).toMatch(/X-CSRF-Token/);
  for (const [pathname, body] of [
    [`/api/v1/environments/${ui.shownAs}/sandbox/plan`, undefined],
    [`/api/v1/environments/${ui.shownAs}/sandbox/unlock`, undefined],
    [`/api/v1/environments/${ui.shownAs}/sandbox/extend`, { by: "24h" }],
    [`/api/v1/environments/${ui.shownAs}/sandbox/destroy`, undefined],
  ] as const) {
    const answer = await post(pathname, { "x-csrf-token": csrfToken }, body);
    expect({ pathname, status: answer.status }).toEqual({ pathname, status: 403 });
    expect(((await answer.json()) as { detail: string }).detail).toMatch(/^not available locally/);
  }
  // Another repository is none of this session's, GitHub's or another checkout's.
  expect((await fetch(`${ui.origin}/api/v1/environments/octo-org/environments/sandbox`, { headers: { cookie } })).status).toBe(404);
  // The environment is as it was.
  const environments = (await (await fetch(`${ui.origin}/api/v1/environments`, { headers: { cookie } })).json()) as { items: { status: string }[] };
  expect(environments.items.map((e) => e.status)).toEqual(["active"]);
});

test("a Host other than 127.0.0.1:PORT or localhost:PORT is refused, with the token or the session as well (DNS rebinding)", async () => {
  const cookie = await signIn();
  const token = new URL(ui.url).search;
  for (const host of ["evil.example", `evil.example:${ui.port}`, "127.0.0.1", `127.0.0.1:${ui.port + 1}`, `[::1]:${ui.port}`]) {
    expect({ host, status: (await rawGet("/api/v1/environments", { host, cookie })).status }).toEqual({ host, status: 421 });
    expect({ host, status: (await rawGet(`/${token}`, { host })).status }).toEqual({ host, status: 421 });
  }
  expect((await rawGet("/api/v1/environments", { host: `localhost:${ui.port}`, cookie })).status).toBe(200);
  expect((await rawGet("/api/v1/environments", { host: `127.0.0.1:${ui.port}`, cookie })).status).toBe(200);
});

test("it listens on 127.0.0.1 only", async () => {
  expect(await connects("127.0.0.1", ui.port)).toBe(true);
  expect(await connects("::1", ui.port)).toBe(false);
  const others = Object.values(networkInterfaces())
    .flat()
    .filter((a) => a !== undefined && !a.internal)
    .map((a) => a!.address);
  for (const address of others) expect({ address, connects: await connects(address, ui.port) }).toEqual({ address, connects: false });
  // What the kernel lists as listening on the port: 127.0.0.1 alone, no IPv6 address.
  expect(await listeners("/proc/net/tcp", ui.port)).toEqual(["0100007F"]);
  expect(await listeners("/proc/net/tcp6", ui.port)).toEqual([]);
});

/** The local addresses (hex, as the kernel writes them) of the sockets listening on `port`. */
async function listeners(table: string, port: number): Promise<string[]> {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  const rows = (await readFile(table, "utf8").catch(() => "")).split("\n").slice(1);
  return rows
    .map((row) => row.trim().split(/\s+/))
    .filter((fields) => fields[1]?.endsWith(`:${hexPort}`) && fields[3] === "0A")
    .map((fields) => fields[1]!.split(":")[0]!);
}

test("a HOST other than the loopback address is refused before anything starts; --port takes a number", async () => {
  for (const host of ["0.0.0.0", "::", "192.0.2.10"]) {
    const failed = await run(process.execPath, [path.join(projectRoot, "bin", "envbot.js"), "ui", "--repo", "environments-template"], { cwd: projectRoot, env: { ...sandbox.env, HOST: host } }).catch((error: { code: number; stdout: string; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 2, stdout: "", stderr: expect.stringContaining(`envbot ui: HOST is ${host}: envbot ui listens on 127.0.0.1 only`) });
  }
  const port = await run(process.execPath, [path.join(projectRoot, "bin", "envbot.js"), "ui", "--port", "http"], { cwd: projectRoot, env: sandbox.env }).catch((error: { code: number; stderr: string }) => error);
  expect(port).toMatchObject({ code: 2, stderr: expect.stringContaining("--port takes a port number, not 'http'") });
  const taken = await run(process.execPath, [path.join(projectRoot, "bin", "envbot.js"), "ui", "--repo", "environments-template", "--port", String(ui.port)], { cwd: projectRoot, env: sandbox.env }).catch((error: { code: number; stderr: string }) => error);
  expect(taken).toMatchObject({ code: 2, stderr: expect.stringContaining(`--port: port ${ui.port} is in use on 127.0.0.1`) });
});

test("signing out ends the session; Ctrl-C stops the server and the process, exit 0", async () => {
  const cookie = await signIn();
  const { csrfToken } = (await (await fetch(`${ui.origin}/api/v1/session`, { headers: { cookie } })).json()) as { csrfToken: string };
  expect((await fetch(`${ui.origin}/auth/logout`, { method: "POST", headers: { cookie } })).status).toBe(403);
  expect((await fetch(`${ui.origin}/auth/logout`, { method: "POST", headers: { cookie, "x-csrf-token": csrfToken } })).status).toBe(204);
  expect((await fetch(`${ui.origin}/api/v1/session`, { headers: { cookie } })).status).toBe(401);

  // A connection the client keeps alive does not keep it from stopping.
  const held = await signIn();
  expect((await fetch(`${ui.origin}/api/v1/environments`, { headers: { cookie: held } })).status).toBe(200);
  expect(await ui.interrupt()).toBe(0);
  expect(ui.output()).toContain("envbot ui stopped.");
  expect(await connects("127.0.0.1", ui.port)).toBe(false);
});
