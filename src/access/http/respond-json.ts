import type { ServerResponse } from "node:http";

/**
 * A JSON answer. `close` ends the connection after it: for a request whose body was not read,
 * so that Node does not read the rest of it to reuse the connection.
 */
export function respondJson(res: ServerResponse, status: number, body: object, options: { close?: boolean; headers?: Record<string, string> } = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...(options.close ? { connection: "close" } : {}),
    ...options.headers,
  });
  res.end(text);
}
