import { createHmac } from "node:crypto";

/** The `X-Hub-Signature-256` value GitHub sends: HMAC-SHA256 of the exact body bytes, in hex. */
export function signWebhook(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export interface Delivery {
  url: string;
  secret: string;
  name: string;
  id: string;
  payload: unknown;
  /** Sent instead of the correct signature, to test rejection. */
  signature?: string;
}

/** POSTs a webhook over real HTTP with the headers GitHub sends; the answer as status and text. */
export async function deliverWebhook(delivery: Delivery): Promise<{ status: number; body: string; retryAfter?: string }> {
  const body = JSON.stringify(delivery.payload);
  const response = await fetch(delivery.url, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "User-Agent": "GitHub-Hookshot/test",
      "X-GitHub-Event": delivery.name,
      "X-GitHub-Delivery": delivery.id,
      "X-Hub-Signature-256": delivery.signature ?? signWebhook(delivery.secret, body),
    },
    body,
  });
  const retryAfter = response.headers.get("retry-after");
  return { status: response.status, body: await response.text(), ...(retryAfter === null ? {} : { retryAfter }) };
}
