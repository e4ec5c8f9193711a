import { columns } from "./terminal-text.js";

/** What the list shows of the contexts: the token is not even given to it. */
export interface ContextListing {
  current?: string;
  contexts: readonly { name: string; url: string; repository?: string }[];
}

/** The table of `envbot context list`: the current context marked with *, never a token. */
export function formatContextList(contexts: ContextListing, file: string): string {
  if (contexts.contexts.length === 0) return `No contexts yet (${file}): add one with 'envbot context add NAME URL'.`;
  const header = ["", "NAME", "URL", "REPOSITORY"];
  const rows = contexts.contexts.map((c) => [c.name === contexts.current ? "*" : "", c.name, c.url, c.repository ?? "-"]);
  return columns([header, ...rows], 1).join("\n");
}
