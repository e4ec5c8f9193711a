/**
 * Where a chat target keeps each environment's conversation (a Slack thread: its first
 * message's id), so the environment's later events reply there instead of filling the channel.
 */
export interface NotificationThreads {
  notificationThread(target: string, repository: string, environment: string): Promise<string | undefined>;
  /** Remembers the thread, or forgets it (undefined): the environment's next event starts a new one. */
  setNotificationThread(target: string, repository: string, environment: string, thread: string | undefined): Promise<void>;
}
