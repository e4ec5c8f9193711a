import { API_TOKEN_PREFIX } from "../../api/api-tokens.js";
import { UsageError } from "../cli-io.js";

/** One envbot server the command line can reach, with the API token it sends there. */
export interface Context {
  name: string;
  /** The server's address, without a trailing slash: http(s)://HOST[:PORT][/PATH]. */
  url: string;
  /** An API token (envbot_...); never printed. */
  token: string;
  /** OWNER/NAME used when a command gets no --github. */
  repository?: string;
}

/** What contexts.json holds: the contexts in the order they were added, and the current one. */
export interface Contexts {
  current?: string;
  contexts: Context[];
}

/** A context's name: also a word in a shell, so plain letters, digits, '_' and '-'. */
export const CONTEXT_NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;

export function parseContextName(text: string): string {
  if (!CONTEXT_NAME.test(text)) throw new UsageError(`'${text}' is not a context name: lowercase letters, digits, '_' and '-', at most 40, starting with a letter or digit`);
  return text;
}

/**
 * The server's address. Only http(s), and no user or password in it: the token is the one
 * credential, kept apart so that listing contexts can show the address.
 */
export function parseServerUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`'${text}' is not a URL; give the envbot server's address, like https://envbot.example.com`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new UsageError(`the server's URL must be http or https, not ${url.protocol.slice(0, -1)}`);
  if (url.username || url.password) throw new UsageError("the server's URL must not carry a user or password; the API token is asked for separately");
  if (url.search || url.hash) throw new UsageError("the server's URL must not carry a query or fragment");
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

/** Whether a URL sends the token in the clear beyond this machine. */
export function isCleartextRemote(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  return protocol === "http:" && !["localhost", "127.0.0.1", "[::1]"].includes(hostname);
}

/** An API token as POST /api/v1/tokens made it; its text never goes into a message. */
export function parseApiToken(text: string, from: string): string {
  const token = text.trim();
  if (!token.startsWith(API_TOKEN_PREFIX) || !/^[A-Za-z0-9_-]+$/.test(token)) {
    throw new UsageError(`${from} does not hold an envbot API token (they start with '${API_TOKEN_PREFIX}'); create one in the dashboard or with POST /api/v1/tokens`);
  }
  return token;
}

