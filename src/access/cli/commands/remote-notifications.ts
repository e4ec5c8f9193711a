import { formatParkedNotice, type NotificationsView } from "../../../render/notification-text.js";
import type { EnvbotApi } from "../remote/envbot-api-client.js";
import type { RemoteTarget } from "../remote/remote-target.js";
import type { NotificationsSource } from "./notifications-source.js";

/**
 * The deliveries a remote envbot keeps: GET /api/v1/notifications (every target's counts, the
 * newest parked deliveries of repositories the token may see) and POST /api/v1/notifications/retry
 * (those of repositories its owner may write to).
 */
export function remoteNotificationsSource(target: RemoteTarget): NotificationsSource {
  return {
    where: { context: target.context.name },
    async read(options) {
      // The API lists every target: one is picked here.
      const view = await target.api.get<NotificationsView>("/api/v1/notifications");
      if (options.target === undefined) return view;
      return { targets: view.targets.filter((t) => t.target === options.target), parked: view.parked.filter((d) => d.target === options.target) };
    },
    async retry(options) {
      const answer = await target.api.post<{ retried: number; repositories: string[] }>("/api/v1/notifications/retry", options.target !== undefined ? { target: options.target } : {});
      return { retried: answer.retried, repositories: answer.repositories };
    },
    close: async () => undefined,
  };
}

/**
 * `status --context`'s line about parked deliveries, when the server answers GET
 * /api/v1/notifications; undefined when none is parked or the server does not answer it (an
 * older envbot, a token that may not): the status itself never fails for it.
 */
export async function remoteParkedNotice(api: EnvbotApi): Promise<string | undefined> {
  try {
    const view = await api.get<NotificationsView>("/api/v1/notifications");
    if (!Array.isArray(view?.targets)) return undefined;
    return formatParkedNotice(view.targets, `envbot notifications --context ${api.context.name}`);
  } catch {
    return undefined;
  }
}
