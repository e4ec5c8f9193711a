import type { EnvironmentListQuery } from "../../core/ports/index.js";

/**
 * The SQL of one page of the environments list and of its total, for SQLite and PostgreSQL: every
 * filter of the list API in the WHERE clause (so the store reads only the page's rows), values as
 * parameters, the order (repository, name) the primary key already keeps.
 */
export interface ListSql {
  where: string;
  params: unknown[];
  /** The page's condition on top of `where`: after the cursor. */
  after: string;
  afterParams: unknown[];
}

export type Dialect = "sqlite" | "postgres";

/** PostgreSQL's placeholders are numbered: `where` takes $1..$n, `after` the next ones (the page's LIMIT comes after both). */
export function environmentListSql(query: EnvironmentListQuery, dialect: Dialect, firstParam = 1): ListSql {
  const params: unknown[] = [];
  let next = firstParam;
  const p = (value: unknown) => {
    params.push(value);
    return dialect === "sqlite" ? "?" : `$${next++}`;
  };
  const c = dialect === "postgres" ? ' COLLATE "C"' : "";
  const clauses: string[] = [];
  clauses.push(dialect === "sqlite" ? `repository IN (SELECT value FROM json_each(${p(JSON.stringify(query.repositories))}))` : `repository = ANY(${p(query.repositories)}::text[])`);
  if (query.owner !== undefined) clauses.push(`lower(ltrim(owner, '@')) = ${p(query.owner.replace(/^@/, "").toLowerCase())}`);
  if (query.template !== undefined) clauses.push(`template = ${p(query.template)}`);
  if (query.statuses !== undefined) {
    clauses.push(dialect === "sqlite" ? `status IN (SELECT value FROM json_each(${p(JSON.stringify(query.statuses))}))` : `status = ANY(${p(query.statuses)}::text[])`);
  }
  for (const label of query.labels ?? []) {
    // The key is a parameter (a JSON path in SQLite, a key in PostgreSQL), never SQL text.
    if (dialect === "sqlite") {
      // Each "?" takes a value of its own: the path is given once per use.
      const path = `$."${label.key.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
      clauses.push(label.value === undefined ? `json_type(labels, ${p(path)}) IS NOT NULL` : `json_type(labels, ${p(path)}) = 'text' AND json_extract(labels, ${p(path)}) = ${p(label.value)}`);
    } else {
      const key = p(label.key);
      clauses.push(label.value === undefined ? `(labels::jsonb) ? ${key}` : `(labels::jsonb) ->> ${key} = ${p(label.value)}`);
    }
  }
  if (query.expiringBefore !== undefined) {
    clauses.push(`expires_at IS NOT NULL AND expires_at < ${p(dialect === "sqlite" ? query.expiringBefore.toISOString() : query.expiringBefore)} AND status <> 'destroyed'`);
  }
  if (query.drifted !== undefined) clauses.push(query.drifted ? "drift_fingerprint IS NOT NULL" : "drift_fingerprint IS NULL");
  for (const word of query.words ?? []) {
    const haystack = "lower(repository || ' ' || name || ' ' || owner || ' ' || template || ' ' || status || ' ' || coalesce(description, ''))";
    clauses.push(dialect === "sqlite" ? `instr(${haystack}, ${p(word.toLowerCase())}) > 0` : `strpos(${haystack}, ${p(word.toLowerCase())}) > 0`);
  }
  const where = clauses.join(" AND ");
  const whereParams = [...params];
  params.length = 0;
  let after = "";
  if (query.after) {
    const [repository, name] = query.after;
    after = ` AND (repository${c} > ${p(repository)} OR (repository = ${p(repository)} AND name${c} > ${p(name)}))`;
  }
  return { where, params: whereParams, after, afterParams: [...params] };
}
