import { createServer } from "node:net";

/**
 * A loopback TCP port that was free a moment ago: the kernel picks it for a listener on port 0,
 * which is closed again before the port is returned. Another process can still take it before the
 * caller binds it; that race is accepted in tests.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") {
        server.close();
        reject(new Error(`unexpected listener address: ${String(address)}`));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}
