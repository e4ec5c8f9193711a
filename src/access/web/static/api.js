// The dashboard's only source of data: envbot's REST API, with the visitor's session cookie.

let csrfToken = null;

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? `the server answered ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/** The signed-in person, or null. */
export async function loadSession() {
  const response = await fetch("/api/v1/session", { headers: { accept: "application/json" } });
  if (response.status === 401) return null;
  if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => undefined));
  const session = await response.json();
  csrfToken = session.csrfToken;
  return session;
}

export async function api(path, { method = "GET", body } = {}) {
  const headers = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["x-csrf-token"] = csrfToken;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 204) return null;
  const data = await response.json().catch(() => undefined);
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

export async function signOut() {
  await fetch("/auth/logout", { method: "POST", headers: { "x-csrf-token": csrfToken ?? "" } });
}

export function environmentPath(environment) {
  return `/environments/${environment.repository}/${environment.name}`;
}
