import Database from "better-sqlite3";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

/**
 * Every better-sqlite3 connection and statement envbot makes, kept for the life of the process.
 *
 * On Node >= 24.19 better-sqlite3 12 aborts the whole process when the garbage collector frees
 * one of its statements or connections from a background task (Node's ObjectWrap now removes a
 * cleanup hook in its destructor, which asserts a current environment; reproduced here: 2,000
 * statements dropped, then an idle GC, exit code 134). better-sqlite3 13 fixes it but does not run
 * on Node 20, which envbot still supports. So nothing here ever becomes garbage: a process opens
 * one store, and its statements are cached by their SQL text, which the code fixes (the list
 * query's shapes are finite). A closed connection costs a few hundred bytes; only test processes
 * open many. Drop this module when envbot moves to better-sqlite3 13.
 */
const kept = new Set<Database.Database>();

export function openKeptDatabase(file: string, options: Database.Options = {}): Database.Database {
  const binding = nativeBinding();
  const db = new Database(file, { ...options, ...(binding && { nativeBinding: binding }) });
  kept.add(db);
  const statements = new Map<string, Database.Statement>();
  const prepare = db.prepare.bind(db);
  db.prepare = (sql: string) => {
    let statement = statements.get(sql);
    if (statement === undefined) {
      statement = prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  // better-sqlite3's pragma() prepares a statement of its own on each call: through the cache too.
  db.pragma = (source: string, pragmaOptions?: { simple?: boolean }) => {
    const statement = db.prepare(`PRAGMA ${source}`);
    if (!(statement as { reader?: boolean }).reader) {
      statement.run();
      return [];
    }
    if (pragmaOptions?.simple) {
      const row = statement.get() as Record<string, unknown> | undefined;
      return row === undefined ? undefined : Object.values(row)[0];
    }
    return statement.all();
  };
  return db;
}

/**
 * The statements a store names, each prepared when first used and kept: `thunks` says how to
 * prepare each. Preparing every statement when a store opens cost a command's start-up ~7 ms for
 * the few it runs.
 */
export function preparedOnFirstUse<T extends Record<string, () => Database.Statement>>(thunks: T): { readonly [K in keyof T]: ReturnType<T[K]> } {
  const statements = {} as { [K in keyof T]: ReturnType<T[K]> };
  for (const [name, prepare] of Object.entries(thunks) as [keyof T, () => Database.Statement][]) {
    let statement: Database.Statement | undefined;
    Object.defineProperty(statements, name, { enumerable: true, get: () => (statement ??= prepare()) });
  }
  return statements;
}

let binding: string | undefined | null = null;
/**
 * better-sqlite3's compiled addon where its install puts it, named to it directly: without it the
 * `bindings` package searches a dozen paths at every start (and the command line's bundle, which
 * holds better-sqlite3's JavaScript, is not where that search begins). Undefined leaves the
 * search to better-sqlite3, for an install that put the addon elsewhere.
 */
function nativeBinding(): string | undefined {
  if (binding === null) {
    const candidate = path.join(path.dirname(createRequire(import.meta.url).resolve("better-sqlite3/package.json")), "build", "Release", "better_sqlite3.node");
    binding = existsSync(candidate) ? candidate : undefined;
  }
  return binding;
}
