import type { NotificationsView } from "../../../render/notification-text.js";

/**
 * Where `envbot notifications` reads and retries the deliveries: this machine's store, or a
 * remote envbot's API. The command is written once, over this.
 */
export interface NotificationsSource {
  /** Set when the deliveries are a server's: commands printed for the user name its context. */
  where?: { context: string };
  /** Every target's counts and the newest parked deliveries (of `target` only, when given). */
  read(options: { target?: string }): Promise<NotificationsView>;
  /** Parked deliveries (of `target`) wait again; how many, and from a server of which repositories. */
  retry(options: { target?: string }): Promise<{ retried: number; repositories?: string[] }>;
  close(): Promise<void>;
}
