import { connect, type ChannelModel, type ConfirmChannel, type Options } from "amqplib";

/** Connecting to a broker that does not answer fails after this long instead of hanging a delivery. */
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
/** A publish the broker neither confirms nor refuses in this long (a resource alarm blocks publishers) fails. */
const DEFAULT_CONFIRM_TIMEOUT_MS = 10_000;

export interface AmqpConnectionOptions {
  /** amqp://user:password@host:port/vhost (amqps:// for TLS); query parameters such as heartbeat apply. */
  url: string;
  connectTimeoutMs?: number;
  confirmTimeoutMs?: number;
  /** Runs on every fresh channel before anyone uses it: declare the exchanges and queues it needs. */
  setup?: (channel: ConfirmChannel) => Promise<void>;
  /** An open connection (or its channel) was lost; not called after close(). The next call reconnects. */
  onLost?: (error: Error | undefined) => void;
}

interface Session {
  connection: ChannelModel;
  channel: ConfirmChannel;
}

/**
 * One AMQP connection with one confirm channel, opened on first use and again after it was
 * lost: a broker restart costs the calls made while it is down, never the process (every
 * 'error' event has a listener; an unhandled one would crash it).
 */
export class AmqpConnection {
  private current: Promise<Session> | undefined;
  private closed = false;

  constructor(private readonly options: AmqpConnectionOptions) {}

  /** The confirm channel, connecting first when there is none. */
  async channel(): Promise<ConfirmChannel> {
    return (await this.session()).channel;
  }

  /** Publishes and resolves once the broker confirmed the message; throws when it refused, or did not answer. */
  async publish(exchange: string, routingKey: string, content: Buffer, options: Options.Publish): Promise<void> {
    const attempt = this.session();
    const { channel } = await attempt;
    const timeoutMs = this.options.confirmTimeoutMs ?? DEFAULT_CONFIRM_TIMEOUT_MS;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        const error = new Error(`AMQP broker did not confirm the message within ${timeoutMs} ms`);
        reject(error);
        // The channel's state is unknown (blocked by an alarm, a half-open socket): start afresh.
        this.drop(attempt, error);
      }, timeoutMs);
      try {
        // The per-message callback, not waitForConfirms(): that would also wait for other callers' messages.
        channel.publish(exchange, routingKey, content, options, (error) => {
          clearTimeout(timer);
          if (error) reject(error instanceof Error ? error : new Error(String(error)));
          else resolve();
        });
      } catch (error) {
        // amqplib throws at once on a channel that already closed.
        clearTimeout(timer);
        reject(error);
      }
    });
  }

  /** Closes the connection; later calls throw. */
  async close(): Promise<void> {
    this.closed = true;
    const current = this.current;
    this.current = undefined;
    const session = await current?.catch(() => undefined);
    await session?.connection.close().catch(() => undefined);
  }

  private session(): Promise<Session> {
    if (this.closed) return Promise.reject(new Error("AMQP connection closed"));
    return (this.current ??= this.open());
  }

  private open(): Promise<Session> {
    const attempt: Promise<Session> = (async () => {
      const connection = await connect(this.options.url, { timeout: this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS });
      let lastError: Error | undefined;
      // 'close' follows every 'error'; the listeners only keep the reason and stop the crash.
      connection.on("error", (error: Error) => (lastError = error));
      connection.on("close", (error?: Error) => this.drop(attempt, error ?? lastError));
      try {
        const channel = await connection.createConfirmChannel();
        // A channel-level error (e.g. an exchange redeclared differently) closes only the channel.
        channel.on("error", (error: Error) => (lastError = error));
        channel.on("close", () => this.drop(attempt, lastError));
        await this.options.setup?.(channel);
        return { connection, channel };
      } catch (error) {
        await connection.close().catch(() => undefined);
        throw error;
      }
    })();
    // A failed attempt is forgotten at once so that the next call tries again.
    attempt.catch(() => {
      if (this.current === attempt) this.current = undefined;
    });
    return attempt;
  }

  /** Forgets a lost session (once, however many close events report it) and frees what is left of it. */
  private drop(attempt: Promise<Session>, error: Error | undefined): void {
    if (this.current !== attempt) return;
    this.current = undefined;
    attempt.then(
      (session) => session.connection.close().catch(() => undefined),
      () => undefined,
    );
    if (!this.closed) this.options.onLost?.(error);
  }
}
