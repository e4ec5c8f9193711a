import { readServerSentEvents, type ServerSentEvent } from "../../../src/access/cli/remote/read-server-sent-events.js";
import { formatRunDuration } from "../../../src/render/run-history-text.js";

// The live log's events however the network cuts the bytes: a line, a CRLF or a character
// split across chunks, comments, multi-line data.
async function eventsOf(chunks: (string | Uint8Array)[]): Promise<ServerSentEvent[]> {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk);
      controller.close();
    },
  });
  const events: ServerSentEvent[] = [];
  for await (const event of readServerSentEvents(body)) events.push(event);
  return events;
}

test("line and end events, whatever the chunks", async () => {
  const text = ': envbot run log\n\nid: 1\nevent: line\ndata: {"seq":1,"line":"Plan: 1 to add"}\n\r\nid: 2\r\nevent: line\r\ndata: {"seq":2,"line":"héllo"}\r\n\r\nevent: end\ndata: {"outcome":"succeeded","error":null}\n\n';
  const expected = [
    { event: "line", data: '{"seq":1,"line":"Plan: 1 to add"}', id: "1" },
    { event: "line", data: '{"seq":2,"line":"héllo"}', id: "2" },
    { event: "end", data: '{"outcome":"succeeded","error":null}' },
  ];
  expect(await eventsOf([text])).toEqual(expected);
  // Every byte its own chunk: the CRLFs and the two bytes of é are split.
  expect(await eventsOf([...new TextEncoder().encode(text)].map((byte) => new Uint8Array([byte])))).toEqual(expected);
});

test("several data lines join with a newline; an event with no data line is none; the type defaults to 'message'", async () => {
  expect(await eventsOf(["data: a\ndata: b\n\nevent: nothing\n\ndata\n\n"])).toEqual([
    { event: "message", data: "a\nb" },
    // A bare "data" line is data, empty (as the HTML standard has it).
    { event: "message", data: "" },
  ]);
});

test("durations read as people say them", () => {
  expect([0, 42_400, 185_000, 3_720_000].map(formatRunDuration)).toEqual(["0s", "42s", "3m05s", "1h02m"]);
});
