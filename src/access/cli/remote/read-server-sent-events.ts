/** One Server-Sent Event: its type ("message" unless named), data lines joined by "\n", its id. */
export interface ServerSentEvent {
  event: string;
  data: string;
  id?: string;
}

/**
 * The events of a text/event-stream body, as the HTML standard parses them: fields up to a
 * blank line, ":" lines are comments, any of CRLF, LF or CR ends a line.
 */
export async function* readServerSentEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder();
  let buffered = "";
  let event: { event?: string; data: string[]; id?: string } = { data: [] };
  const reader = body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      buffered += done ? decoder.decode() : decoder.decode(value, { stream: true });
      // A lone CR at the end may be the first half of a CRLF: wait for what follows.
      const lines = buffered.split(/\r\n|\r(?!$)|\n/);
      buffered = done ? "" : lines.pop()!;
      for (const line of lines) {
        if (line === "") {
          if (event.data.length > 0) yield { event: event.event ?? "message", data: event.data.join("\n"), ...(event.id !== undefined ? { id: event.id } : {}) };
          event = { data: [] };
          continue;
        }
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon === -1 ? line : line.slice(0, colon);
        const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") event.event = value;
        else if (field === "data") event.data.push(value);
        else if (field === "id" && !value.includes("\0")) event.id = value;
      }
      if (done) return;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
