import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Probot } from "probot";
import { createHttpServer } from "../../src/access/http/create-http-server.js";
import { createEnvbotApp } from "../../src/composition/app.js";
import type { AppServices } from "../../src/access/github/app-services.js";
import { createTestProbot, TEST_WEBHOOK_SECRET } from "./github/test-probot.js";

export interface RunningHttpServer {
  server: Server;
  probot: Probot;
  /** http://127.0.0.1:PORT */
  origin: string;
  webhookUrl: string;
  close(): Promise<void>;
}

/**
 * The App's HTTP server as src/composition/start-process.ts builds it (createHttpServer), on 127.0.0.1 in this
 * process, with `services` (an AppHarness's) behind a fresh test Probot.
 */
export async function startEnvbotHttpServer(services: AppServices): Promise<RunningHttpServer> {
  // Refusals are logged as warnings and handler failures as errors; the tests assert them instead.
  const probot = await createTestProbot(createEnvbotApp(services), { logLevel: "fatal" });
  const server = createHttpServer({ probot, webhookSecret: TEST_WEBHOOK_SECRET, store: services.engine.store });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    server,
    probot,
    origin,
    webhookUrl: `${origin}/api/github/webhooks`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
