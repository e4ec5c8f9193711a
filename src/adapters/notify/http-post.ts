import { PermanentDeliveryError } from "./notification-target.js";

/** How long a receiver may take to answer one delivery. */
const TIMEOUT_MS = 10_000;

/**
 * POSTs a delivery and says how it went: 2xx is taken (its body returned, for targets that
 * answer with more than a status); 408, 429 and 5xx (and no answer) are
 * worth a retry; any other answer is not (PermanentDeliveryError: parked at once). Redirects are
 * not followed: a target's address is the server's setting, never somewhere a response points.
 */
export async function postDelivery(url: string, body: string, headers: Record<string, string>): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, { method: "POST", body, headers: { "user-agent": "envbot", ...headers }, redirect: "manual", signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    throw new Error(`no answer from the target: ${error instanceof Error ? error.message : String(error)}`);
  }
  const received = await response.text().catch(() => "");
  if (response.ok) return received;
  const answer = received.slice(0, 200);
  const text = `HTTP ${response.status}${answer ? `: ${answer}` : ""}`;
  if (response.status === 408 || response.status === 429 || response.status >= 500) throw new Error(text);
  throw new PermanentDeliveryError(text);
}
