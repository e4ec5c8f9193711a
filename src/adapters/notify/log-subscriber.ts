import type { DomainEvent } from "../../core/events/domain-event.js";
import type { EventSubscriber } from "../outbox/outbox-relay.js";

/** Every domain event as one line of the server log (structured: the event is the line's data). */
export function logSubscriber(log: { info(data: object, message: string): void }): EventSubscriber {
  return {
    name: "log",
    async deliver(event: DomainEvent) {
      log.info({ event }, `envbot event ${event.type}: ${event.repository} ${event.environment}`);
    },
  };
}
