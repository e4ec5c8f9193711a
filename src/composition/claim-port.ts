import { createServer, type Server } from "node:net";
import { SettingsError } from "../adapters/server-env/settings.js";

/**
 * Binds PORT on HOST before anything starts, so a process that cannot serve fails at once with the
 * setting named, instead of taking jobs half started. The HTTP server then listens on this handle
 * (connections that arrive meanwhile wait in the backlog).
 */
export async function claimPort(port: number, host: string | undefined): Promise<Server> {
  const claimed = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      claimed.once("error", reject);
      claimed.listen(port, host, resolve);
    });
  } catch (error) {
    const where = `${host ?? "every address"}, port ${port}`;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") throw new SettingsError(`PORT: ${where} is in use by another process; each envbot process on a machine needs a PORT of its own (PORT=0 takes any free one)`);
    if (code === "EACCES") throw new SettingsError(`PORT: may not listen on ${where} (ports under 1024 need privileges); choose a PORT of 1024 or more`);
    if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") throw new SettingsError(`HOST: ${host} is not an address of this machine`);
    throw error;
  }
  return claimed;
}
