import { readFileSync } from "node:fs";
import { createAjv } from "../../../src/core/validation/create-ajv.js";

/** The outgoing event format as documented: schemas/event.schema.json, compiled from the file itself. */
const validate = createAjv().compile(JSON.parse(readFileSync(new URL("../../../schemas/event.schema.json", import.meta.url), "utf8")) as object);

/**
 * Fails unless `body` (an outgoing event's text, or its parsed JSON) is a CloudEvent whose data
 * has exactly the documented fields of its type (docs/notifications.md#what-goes-out): nothing
 * else, such as a bus client's request (its reply queue and correlation id).
 */
export function expectDocumentedEvent(body: string | object): Record<string, any> {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const event = JSON.parse(text) as Record<string, any>;
  if (!validate(event)) {
    throw new Error(`not an event of the documented format (schemas/event.schema.json): ${JSON.stringify(validate.errors?.slice(0, 5), null, 1)}\n${text}`);
  }
  return event;
}
