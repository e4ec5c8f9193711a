/**
 * Whether a request's Host header names this server on the loopback interface (127.0.0.1:PORT or
 * localhost:PORT; host names compare without case). A server on 127.0.0.1 refuses any other: a
 * site whose name was pointed at 127.0.0.1 (DNS rebinding) must not read its pages.
 */
export function isLoopbackHost(host: string | undefined, port: number): boolean {
  const given = (host ?? "").toLowerCase();
  return given === `127.0.0.1:${port}` || given === `localhost:${port}`;
}
