import { environmentListSql } from "../environment-list-query.js";
import { randomUUID } from "node:crypto";
import type { DomainEvent } from "../../../core/events/domain-event.js";
import { sameLockHolder, type EnvironmentChange, type Store, type StoreHealth } from "../../../core/ports/index.js";
import { apiTokenFromRow, attributeValues, auditFromRow, sessionFromRow, deliveryFromRow, foundResources, inventoryCandidates, inventoryFromRow, inventoryValues, orphanSweepFromRow, ENVIRONMENT_COLUMNS, environmentColumnValue, environmentFromRow, holderToText, jobFromRow, leaseFromRow, lockFromRow, runFromRow } from "../store-rows.js";
import type { ApiTokenRow, AuditRow, SessionRow, EnvironmentField, EventDeliveryRow, InventoryRow, EnvironmentRow, JobRow, LeaseRow, LockRow, OrphanSweepRow, RunLogRow, RunRow } from "../store-rows.js";
import { SENSITIVE_VALUE_UPSERT, sensitiveValuesFromRows, type SensitiveValueRow } from "../sensitive-value-rows.js";
import { CERTIFICATE_UPSERT_SET, LISTED_CERTIFICATE_COLUMNS, certificateFromRow, certificateValues, storedCertificateFromRow, type CertificateRow } from "../certificate-rows.js";
import { openPostgresDatabase, type PostgresDatabase, type Query } from "./postgres-database.js";

/** The store and the database under it, which the pg-boss queue shares (one transaction for a job and its delivery). */
export interface PostgresStore extends Store {
  readonly database: PostgresDatabase;
}

/** How long the readiness check waits for the database to answer. */
const HEALTH_TIMEOUT_MS = 3000;

/**
 * The Store on PostgreSQL, for scale-out: any number of envbot processes on any number of
 * machines share it. Every read-then-write is one statement or one transaction; times come from
 * the database's clock, so leases expire alike for every machine whatever their clocks say.
 */
export async function openPostgresStore(options: { connectionString: string; schema?: string; poolSize?: number }): Promise<PostgresStore> {
  const database = await openPostgresDatabase(options);
  return postgresStore(database);
}

export function postgresStore(database: PostgresDatabase): PostgresStore {
  const { query, transaction } = database;

  const appendEvents = async (q: Query, events: readonly DomainEvent[] = []) => {
    for (const event of events) await q("INSERT INTO outbox (id, event, created_at) VALUES ($1, $2, clock_timestamp())", [event.id, JSON.stringify(event)]);
  };

  return {
    database,

    upsertEnvironment(change, events) {
      return transaction(async (q) => {
        const { set, values } = environmentPatch(change);
        await appendEvents(q, events);
        const patched = await q<EnvironmentRow>(
          `UPDATE environments SET ${[...set, "updated_at = clock_timestamp()"].join(", ")} WHERE repository = $1 AND name = $2 RETURNING *`,
          [change.repository, change.name, ...values],
        );
        if (patched.rows[0]) return environmentFromRow(patched.rows[0]);
        const missing = (["template", "owner", "status"] as const).filter((field) => change[field] === undefined);
        if (missing.length > 0) throw new Error(`cannot record environment ${change.repository}:${change.name} for the first time without ${missing.join(", ")}`);
        // Another writer may create it between the two statements: then this one patches it.
        const fields = Object.keys(ENVIRONMENT_COLUMNS) as EnvironmentField[];
        const columns = fields.map((field) => ENVIRONMENT_COLUMNS[field]);
        const shift = fields.length;
        const inserted = await q<EnvironmentRow>(
          `INSERT INTO environments (repository, name, ${columns.join(", ")}, created_at, updated_at)
           VALUES ($1, $2, ${fields.map((_, i) => `$${i + 3}`).join(", ")}, clock_timestamp(), clock_timestamp())
           ON CONFLICT (repository, name) DO UPDATE SET ${[...set.map((s) => s.replace(/\$(\d+)/, (_, n: string) => `$${Number(n) + shift}`)), "updated_at = clock_timestamp()"].join(", ")}
           RETURNING *`,
          [change.repository, change.name, ...fields.map((field) => environmentColumnValue(change[field])), ...values],
        );
        return environmentFromRow(inserted.rows[0]!);
      });
    },

    async getEnvironment(repository, name) {
      const { rows } = await query<EnvironmentRow>("SELECT * FROM environments WHERE repository = $1 AND name = $2", [repository, name]);
      return rows[0] && environmentFromRow(rows[0]);
    },

    async queryEnvironments(environments) {
      const { where, params, after, afterParams } = environmentListSql(environments, "postgres");
      const [counted, page] = await Promise.all([
        query<{ total: string }>(`SELECT count(*) AS total FROM environments WHERE ${where}`, params),
        query<EnvironmentRow>(`SELECT * FROM environments WHERE ${where}${after} ORDER BY repository COLLATE "C", name COLLATE "C" LIMIT $${params.length + afterParams.length + 1}`, [...params, ...afterParams, environments.limit]),
      ]);
      return { items: page.rows.map(environmentFromRow), total: Number(counted.rows[0]!.total) };
    },

    async listRepositories() {
      const { rows } = await query<{ repository: string }>('SELECT DISTINCT repository COLLATE "C" AS repository FROM environments ORDER BY 1');
      return rows.map((row) => row.repository);
    },

    async listEnvironments(repository) {
      const { rows } =
        repository === undefined
          ? await query<EnvironmentRow>("SELECT * FROM environments ORDER BY repository COLLATE \"C\", name COLLATE \"C\"")
          : await query<EnvironmentRow>("SELECT * FROM environments WHERE repository = $1 ORDER BY name COLLATE \"C\"", [repository]);
      return rows.map(environmentFromRow);
    },

    async startRun(run) {
      const { rows } = await query<RunRow>(
        `INSERT INTO runs (repository, environment, kind, commit_sha, actor, started_at, outcome)
         VALUES ($1, $2, $3, $4, $5, clock_timestamp(), 'running') RETURNING *`,
        [run.repository, run.environment, run.kind, run.commit ?? null, run.actor],
      );
      return runFromRow(rows[0]!);
    },

    finishRun(id, result, events) {
      return transaction(async (q) => {
        const { rows } = await q<RunRow>(
          "UPDATE runs SET finished_at = clock_timestamp(), outcome = $2, summary = $3, log_excerpt = $4, error = $5 WHERE id = $1 RETURNING *",
          [id, result.outcome, result.summary ?? null, result.logExcerpt ?? null, result.error ?? null],
        );
        const row = rows[0];
        if (row === undefined) throw new Error(`cannot finish run ${id}: there is no run with that id`);
        await q("UPDATE environments SET last_run_id = $1 WHERE repository = $2 AND name = $3", [row.id, row.repository, row.environment]);
        await appendEvents(q, events);
        if (result.audit) {
          await q("INSERT INTO audit (at, actor, source, action, repository, environment, outcome, detail) VALUES (clock_timestamp(), $1, $2, $3, $4, $5, $6, $7)", [
            result.audit.actor,
            result.audit.source,
            row.kind,
            row.repository,
            row.environment,
            row.outcome,
            result.audit.detail ?? null,
          ]);
        }
        if (result.inventory) {
          await q("DELETE FROM inventory WHERE repository = $1 AND environment = $2", [row.repository, row.environment]);
          await q("DELETE FROM inventory_values WHERE repository = $1 AND environment = $2", [row.repository, row.environment]);
          for (const resource of result.inventory) {
            await q(
              "INSERT INTO inventory (repository, environment, address, type, provider, module, cloud_id, arn, depends_on, attributes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
              inventoryValues(row.repository, row.environment, resource),
            );
            const values = attributeValues(resource.attributes);
            if (values.length > 0) {
              await q(
                "INSERT INTO inventory_values (value, repository, environment, address) SELECT v, $2, $3, $4 FROM unnest($1::text[]) AS v ON CONFLICT DO NOTHING",
                [values, row.repository, row.environment, resource.address],
              );
            }
          }
        }
        return runFromRow(row);
      });
    },

    async listInventory(repository, environment) {
      const { rows } = await query<InventoryRow>("SELECT * FROM inventory WHERE repository = $1 AND environment = $2 ORDER BY address COLLATE \"C\"", [repository, environment]);
      return rows.map(inventoryFromRow);
    },

    async recordOrphanSweep(sweep) {
      await query(
        "INSERT INTO orphan_sweeps (repository, swept_at, region, orphans) VALUES ($1, $2, $3, $4) ON CONFLICT (repository) DO UPDATE SET swept_at = EXCLUDED.swept_at, region = EXCLUDED.region, orphans = EXCLUDED.orphans",
        [sweep.repository, sweep.sweptAt, sweep.region, JSON.stringify(sweep.orphans)],
      );
    },

    async listOrphanSweeps(repositories) {
      const { rows } = await query<OrphanSweepRow>('SELECT * FROM orphan_sweeps WHERE repository = ANY($1) ORDER BY repository COLLATE "C"', [[...repositories]]);
      return rows.map(orphanSweepFromRow);
    },

    async notificationThread(target, repository, environment) {
      const { rows } = await query<{ thread: string }>("SELECT thread FROM notification_threads WHERE target = $1 AND repository = $2 AND environment = $3", [target, repository, environment]);
      return rows[0]?.thread;
    },

    async setNotificationThread(target, repository, environment, thread) {
      if (thread === undefined) await query("DELETE FROM notification_threads WHERE target = $1 AND repository = $2 AND environment = $3", [target, repository, environment]);
      else await query("INSERT INTO notification_threads (target, repository, environment, thread) VALUES ($1, $2, $3, $4) ON CONFLICT (target, repository, environment) DO UPDATE SET thread = EXCLUDED.thread", [target, repository, environment, thread]);
    },

    async putCertificate(certificate) {
      await query(
        `INSERT INTO certificates VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (repository, environment, name) DO UPDATE SET ${CERTIFICATE_UPSERT_SET}`,
        certificateValues(certificate),
      );
    },

    async getCertificate(repository, environment, name) {
      const { rows } = await query<CertificateRow>("SELECT * FROM certificates WHERE repository = $1 AND environment = $2 AND name = $3", [repository, environment, name]);
      return rows[0] && storedCertificateFromRow(rows[0]);
    },

    async listCertificates(repository, environment) {
      const { rows } = await query<CertificateRow>(`SELECT ${LISTED_CERTIFICATE_COLUMNS} FROM certificates WHERE repository = $1 AND environment = $2 ORDER BY name COLLATE "C"`, [repository, environment]);
      return rows.map(certificateFromRow);
    },

    async removeCertificates(repository, environment, keep) {
      await query("DELETE FROM certificates WHERE repository = $1 AND environment = $2 AND NOT (name = ANY($3))", [repository, environment, [...keep]]);
    },

    async keepSensitiveValues(repository, environment, kind, values, at) {
      await transaction(async (q) => {
        await q("DELETE FROM sensitive_values WHERE repository = $1 AND environment = $2 AND kind = $3 AND NOT (name = ANY($4))", [repository, environment, kind, Object.keys(values)]);
        for (const [name, value] of Object.entries(values)) {
          await q(`INSERT INTO sensitive_values VALUES ($1, $2, $3, $4, $5, $6) ${SENSITIVE_VALUE_UPSERT}`, [repository, environment, kind, name, JSON.stringify(value), at]);
        }
      });
    },

    async getSensitiveValues(repository, environment, kind) {
      const { rows } = await query<SensitiveValueRow>("SELECT name, value, changed_at FROM sensitive_values WHERE repository = $1 AND environment = $2 AND kind = $3", [repository, environment, kind]);
      return sensitiveValuesFromRows(rows);
    },

    async findResources(text, { repositories, limit }) {
      const { exact, value } = inventoryCandidates(text);
      // One index lookup per way of matching: an OR across them (with the values' subquery) makes
      // PostgreSQL scan every resource. Each way is cut to the rows a page can need; the values'
      // rows are looked up one by one (LIMIT 1 keeps the planner from a hash join over all).
      const order = 'ORDER BY repository COLLATE "C", environment COLLATE "C", address COLLATE "C"';
      const within = "($3::text[] IS NULL OR repository = ANY($3))";
      const way = (where: string) => `(SELECT * FROM inventory WHERE ${where} AND ${within} ${order} LIMIT $4)`;
      const { rows } = await query<InventoryRow>(
        `SELECT * FROM (
           ${way("arn = $1")} UNION ${way("cloud_id = $1")} UNION ${way("type = $1")} UNION ${way("address = $1")}
           UNION (SELECT i.* FROM (SELECT repository, environment, address FROM inventory_values WHERE value = $2 AND ${within} ${order} LIMIT $4) v
                  CROSS JOIN LATERAL (SELECT * FROM inventory i WHERE i.repository = v.repository AND i.environment = v.environment AND i.address = v.address LIMIT 1) i)
         ) found ${order} LIMIT $4`,
        [exact, value, repositories ? [...repositories] : null, limit * 20],
      );
      return foundResources(rows, text, limit);
    },

    async getRun(id) {
      const { rows } = await query<RunRow>("SELECT * FROM runs WHERE id = $1", [id]);
      return rows[0] && runFromRow(rows[0]);
    },

    async listPricedRuns(repository, environments, perEnvironment) {
      if (environments.length === 0) return [];
      const { rows } = await query<RunRow>(
        `SELECT * FROM (
           SELECT *, row_number() OVER (PARTITION BY environment ORDER BY id DESC) AS nth FROM runs
           WHERE repository = $1 AND environment = ANY($2::text[]) AND outcome = 'succeeded' AND kind IN ('plan', 'apply')
             AND summary IS NOT NULL AND summary LIKE '{%' AND jsonb_typeof(summary::jsonb -> 'cost' -> 'hourly') = 'number'
         ) priced WHERE nth <= $3 ORDER BY id DESC`,
        [repository, [...environments], perEnvironment],
      );
      return rows.map(runFromRow);
    },

    async getRuns(ids) {
      if (ids.length === 0) return [];
      const { rows } = await query<RunRow>("SELECT * FROM runs WHERE id = ANY($1::bigint[])", [[...ids]]);
      return rows.map(runFromRow);
    },

    async listRuns(repository, environment, limit) {
      if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) {
        throw new RangeError(`listRuns: limit must be a whole number of at least 0, not ${limit}`);
      }
      const { rows } = await query<RunRow>("SELECT * FROM runs WHERE repository = $1 AND environment = $2 ORDER BY id DESC LIMIT $3", [repository, environment, limit ?? null]);
      return rows.map(runFromRow);
    },

    async listUnfinishedRuns() {
      const { rows } = await query<RunRow>("SELECT * FROM runs WHERE outcome = 'running' ORDER BY id");
      return rows.map(runFromRow);
    },

    async listRecentRuns({ repositories, environment, beforeId, limit }) {
      const { rows } = await query<RunRow>(
        `SELECT * FROM runs WHERE ($1::text[] IS NULL OR repository = ANY($1)) AND ($2::text IS NULL OR environment = $2) AND ($3::bigint IS NULL OR id < $3)
         ORDER BY id DESC LIMIT $4`,
        [repositories ?? null, environment ?? null, beforeId ?? null, limit],
      );
      return rows.map(runFromRow);
    },

    async appendRunLog(runId, lines) {
      if (lines.length === 0) return;
      // One statement: the next numbers follow the last kept line, even with two writers.
      await query(
        `INSERT INTO run_logs (run_id, seq, line)
         SELECT $1, coalesce((SELECT max(seq) FROM run_logs WHERE run_id = $1), 0) + ordinality, line FROM unnest($2::text[]) WITH ORDINALITY AS t(line, ordinality)`,
        [runId, lines],
      );
    },

    async readRunLog(runId, afterSeq, limit) {
      const { rows } = await query<RunLogRow>("SELECT seq, line FROM run_logs WHERE run_id = $1 AND seq > $2 ORDER BY seq LIMIT $3", [runId, afterSeq, limit]);
      return rows.map((row) => ({ seq: row.seq, line: row.line }));
    },

    async pruneRunLogs(before) {
      const { rowCount } = await query("DELETE FROM run_logs WHERE run_id IN (SELECT id FROM runs WHERE finished_at IS NOT NULL AND finished_at < $1)", [before]);
      return rowCount ?? 0;
    },

    async createApiToken(token) {
      const { rows } = await query<ApiTokenRow>("INSERT INTO api_tokens (hash, name, login, repositories, created_at) VALUES ($1, $2, $3, $4, clock_timestamp()) RETURNING *", [
        token.hash,
        token.name,
        token.login,
        JSON.stringify(token.repositories),
      ]);
      return apiTokenFromRow(rows[0]!);
    },

    async useApiToken(hash) {
      const { rows } = await query<ApiTokenRow>("UPDATE api_tokens SET last_used_at = clock_timestamp() WHERE hash = $1 AND revoked_at IS NULL RETURNING *", [hash]);
      return rows[0] && apiTokenFromRow(rows[0]);
    },

    async listApiTokens(login) {
      const { rows } = await query<ApiTokenRow>("SELECT * FROM api_tokens WHERE login = $1 AND revoked_at IS NULL ORDER BY id", [login]);
      return rows.map(apiTokenFromRow);
    },

    async revokeApiToken(id, login) {
      const { rowCount } = await query("UPDATE api_tokens SET revoked_at = clock_timestamp() WHERE id = $1 AND login = $2 AND revoked_at IS NULL", [id, login]);
      return (rowCount ?? 0) > 0;
    },

    async createSession(session) {
      await query("INSERT INTO sessions (id, login, created_at, expires_at) VALUES ($1, $2, $3, $4)", [session.id, session.login, session.createdAt, session.expiresAt]);
    },

    async getSession(id) {
      const { rows } = await query<SessionRow>("SELECT * FROM sessions WHERE id = $1", [id]);
      return rows[0] && sessionFromRow(rows[0]);
    },

    async endSession(id) {
      const { rowCount } = await query("UPDATE sessions SET ended_at = clock_timestamp() WHERE id = $1 AND ended_at IS NULL", [id]);
      return (rowCount ?? 0) > 0;
    },

    async endSessionsOf(login) {
      const { rowCount } = await query("UPDATE sessions SET ended_at = clock_timestamp() WHERE login = $1 AND ended_at IS NULL", [login]);
      return rowCount ?? 0;
    },

    async pruneSessions(expiredBefore) {
      const { rowCount } = await query("DELETE FROM sessions WHERE expires_at < $1", [expiredBefore]);
      return rowCount ?? 0;
    },

    async keepServerSecret(name, generated) {
      // The insert does nothing when another server kept one first; the select then finds that one.
      await query("INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING", [name, generated]);
      const { rows } = await query<{ value: string }>("SELECT value FROM server_secrets WHERE name = $1", [name]);
      return rows[0]!.value;
    },

    async recordAudit(entry) {
      const { rows } = await query<AuditRow>(
        "INSERT INTO audit (at, actor, source, action, repository, environment, outcome, detail) VALUES (clock_timestamp(), $1, $2, $3, $4, $5, $6, $7) RETURNING *",
        [entry.actor, entry.source, entry.action, entry.repository, entry.environment ?? null, entry.outcome, entry.detail ?? null],
      );
      return auditFromRow(rows[0]!);
    },

    async listAudit({ repositories, environment, beforeId, limit }) {
      const { rows } = await query<AuditRow>(
        `SELECT * FROM audit WHERE ($1::text[] IS NULL OR repository = ANY($1)) AND ($2::text IS NULL OR environment = $2) AND ($3::bigint IS NULL OR id < $3)
         ORDER BY id DESC LIMIT $4`,
        [repositories ?? null, environment ?? null, beforeId ?? null, limit],
      );
      return rows.map(auditFromRow);
    },

    async acquireLock(repository, environment, holder) {
      // The insert takes a free lock or does nothing; the select then names whoever holds it.
      const lock = await transaction(async (q) => {
        await q("INSERT INTO locks (repository, environment, holder, acquired_at) VALUES ($1, $2, $3, clock_timestamp()) ON CONFLICT DO NOTHING", [repository, environment, holderToText(holder)]);
        const { rows } = await q<LockRow>("SELECT * FROM locks WHERE repository = $1 AND environment = $2", [repository, environment]);
        return lockFromRow(rows[0]!);
      });
      return sameLockHolder(lock.holder, holder) ? { acquired: true, lock } : { acquired: false, heldBy: lock };
    },

    async releaseLock(repository, environment, holder) {
      const { rowCount } = await query("DELETE FROM locks WHERE repository = $1 AND environment = $2 AND holder = $3", [repository, environment, holderToText(holder)]);
      return (rowCount ?? 0) > 0;
    },

    async listLocks(repository) {
      const { rows } =
        repository === undefined
          ? await query<LockRow>("SELECT * FROM locks ORDER BY repository COLLATE \"C\", environment COLLATE \"C\"")
          : await query<LockRow>("SELECT * FROM locks WHERE repository = $1 ORDER BY environment COLLATE \"C\"", [repository]);
      return rows.map(lockFromRow);
    },

    async acquireLease(key, holder, ttlMs) {
      const token = randomUUID();
      for (;;) {
        // One statement: takes the lease when it is free or expired; otherwise returns nothing.
        const taken = await query<LeaseRow>(
          `INSERT INTO leases (key, holder, token, acquired_at, expires_at)
           VALUES ($1, $2, $3, clock_timestamp(), clock_timestamp() + $4 * interval '1 millisecond')
           ON CONFLICT (key) DO UPDATE SET holder = EXCLUDED.holder, token = EXCLUDED.token, acquired_at = EXCLUDED.acquired_at, expires_at = EXCLUDED.expires_at
             WHERE leases.expires_at < clock_timestamp()
           RETURNING *`,
          [key, holder, token, ttlMs],
        );
        if (taken.rows[0]) return { acquired: true, lease: leaseFromRow(taken.rows[0]) };
        const { rows } = await query<LeaseRow>("SELECT * FROM leases WHERE key = $1", [key]);
        // Released between the two statements: ask again.
        if (rows[0] !== undefined) return { acquired: false, heldBy: leaseFromRow(rows[0]) };
      }
    },

    async renewLease(lease, ttlMs) {
      const { rowCount } = await query("UPDATE leases SET expires_at = clock_timestamp() + $3 * interval '1 millisecond' WHERE key = $1 AND token = $2", [lease.key, lease.token, ttlMs]);
      return (rowCount ?? 0) > 0;
    },

    async releaseLease(lease) {
      const { rowCount } = await query("DELETE FROM leases WHERE key = $1 AND token = $2", [lease.key, lease.token]);
      return (rowCount ?? 0) > 0;
    },

    async recordDelivery(id, receivedAt) {
      const { rowCount } = await query("INSERT INTO deliveries (id, received_at) VALUES ($1, coalesce($2, clock_timestamp())) ON CONFLICT DO NOTHING", [id, receivedAt ?? null]);
      return (rowCount ?? 0) > 0;
    },

    async hasDelivery(id) {
      const { rows } = await query("SELECT 1 FROM deliveries WHERE id = $1", [id]);
      return rows.length > 0;
    },

    async pruneDeliveries(olderThan) {
      const { rowCount } = await query("DELETE FROM deliveries WHERE received_at < $1", [olderThan]);
      return rowCount ?? 0;
    },

    addJob(job) {
      return transaction(async (q) => {
        if (job.delivery !== undefined) {
          const recorded = await q("INSERT INTO deliveries (id, received_at) VALUES ($1, clock_timestamp()) ON CONFLICT DO NOTHING", [job.delivery]);
          if (recorded.rowCount === 0) return { added: false as const };
        }
        const superseded = job.final ? [] : (await q<{ id: number }>("DELETE FROM jobs WHERE key = $1 AND NOT final AND started_at IS NULL RETURNING id", [job.key])).rows.map((r) => r.id).sort((a, b) => a - b);
        const { rows } = await q<{ id: number }>("INSERT INTO jobs (key, final, payload, enqueued_at) VALUES ($1, $2, $3, clock_timestamp()) RETURNING id", [job.key, job.final, job.payload]);
        return { added: true as const, id: rows[0]!.id, superseded };
      });
    },

    async markJobStarted(id) {
      await query("UPDATE jobs SET started_at = clock_timestamp(), attempts = attempts + 1 WHERE id = $1", [id]);
    },

    async removeJob(id) {
      await query("DELETE FROM jobs WHERE id = $1", [id]);
    },

    async listJobs() {
      const { rows } = await query<JobRow>("SELECT * FROM jobs ORDER BY id");
      return rows.map(jobFromRow);
    },

    async appendEvents(events) {
      await transaction((q) => appendEvents(q, events));
    },

    async pendingEvents(limit) {
      const { rows } = await query<{ seq: number; event: string; attempts: number; last_error: string | null }>(
        "SELECT seq, event, attempts, last_error FROM outbox WHERE delivered_at IS NULL AND NOT parked ORDER BY seq LIMIT $1",
        [limit],
      );
      return rows.map((row) => ({ seq: row.seq, event: JSON.parse(row.event) as DomainEvent, attempts: row.attempts, ...(row.last_error === null ? {} : { lastError: row.last_error }) }));
    },

    async routeEvent(seq, deliveries, now) {
      await transaction(async (q) => {
        for (const { target, parkedBecause } of deliveries) {
          await q(
            `INSERT INTO event_deliveries (seq, target, repository, environment, state, next_attempt_at, last_error)
             SELECT seq, $2, event::jsonb->>'repository', event::jsonb->>'environment', $3, $4, $5 FROM outbox WHERE seq = $1
             ON CONFLICT (seq, target) DO NOTHING`,
            [seq, target, parkedBecause === undefined ? "waiting" : "parked", now, parkedBecause ?? null],
          );
        }
        await q("UPDATE outbox SET delivered_at = $2 WHERE seq = $1", [seq, now]);
      });
    },

    async dueDeliveries(now, limit) {
      const { rows } = await query<EventDeliveryRow>(
        `SELECT d.seq, d.target, d.state, d.attempts, d.last_error, o.event FROM event_deliveries d JOIN outbox o ON o.seq = d.seq
         WHERE d.state = 'waiting' AND d.next_attempt_at <= $1
           AND NOT EXISTS (
             SELECT 1 FROM event_deliveries e
             WHERE e.state = 'waiting' AND e.target = d.target AND e.repository = d.repository AND e.environment = d.environment AND e.seq < d.seq)
         ORDER BY d.seq LIMIT $2`,
        [now, limit],
      );
      return rows.map(deliveryFromRow);
    },

    async markDeliveryDone(seq, target, now) {
      await query("UPDATE event_deliveries SET state = 'delivered', attempts = attempts + 1, delivered_at = $3, last_error = NULL WHERE seq = $1 AND target = $2", [seq, target, now]);
    },

    async markDeliveryFailed(seq, target, error, retryAt) {
      const park = retryAt === "park";
      await query("UPDATE event_deliveries SET attempts = attempts + 1, last_error = $3, state = $4, next_attempt_at = COALESCE($5, next_attempt_at) WHERE seq = $1 AND target = $2", [
        seq,
        target,
        error,
        park ? "parked" : "waiting",
        park ? null : retryAt,
      ]);
    },

    async deliveryStatus(options = {}) {
      const { rows } = await query<{ target: string; waiting: number; parked: number; delivered: number; last_delivered_at: Date | null; last_error: string | null }>(
        `SELECT target,
           COUNT(*) FILTER (WHERE state = 'waiting')::int AS waiting, COUNT(*) FILTER (WHERE state = 'parked')::int AS parked,
           COUNT(*) FILTER (WHERE state = 'delivered')::int AS delivered, MAX(delivered_at) AS last_delivered_at,
           (SELECT last_error FROM event_deliveries e
             WHERE e.target = d.target AND e.last_error IS NOT NULL AND ($1::text[] IS NULL OR e.repository = ANY($1))
             ORDER BY e.seq DESC LIMIT 1) AS last_error
         FROM event_deliveries d WHERE $1::text[] IS NULL OR d.repository = ANY($1)
         GROUP BY target ORDER BY target`,
        [options.repositories ? [...options.repositories] : null],
      );
      return rows.map((row) => ({
        target: row.target,
        waiting: row.waiting,
        parked: row.parked,
        delivered: row.delivered,
        ...(row.last_delivered_at === null ? {} : { lastDeliveredAt: row.last_delivered_at }),
        ...(row.last_error === null ? {} : { lastError: row.last_error }),
      }));
    },

    async deliveryRepositories() {
      const { rows } = await query<{ repository: string }>('SELECT DISTINCT repository COLLATE "C" AS repository FROM event_deliveries ORDER BY 1');
      return rows.map((row) => row.repository);
    },

    async listParkedDeliveries({ target, limit }) {
      const { rows } = await query<EventDeliveryRow>(
        `SELECT d.seq, d.target, d.state, d.attempts, d.last_error, o.event FROM event_deliveries d JOIN outbox o ON o.seq = d.seq
         WHERE d.state = 'parked' AND ($1::text IS NULL OR d.target = $1) ORDER BY d.seq DESC LIMIT $2`,
        [target ?? null, limit],
      );
      return rows.map(deliveryFromRow);
    },

    async retryParkedDeliveries({ target, repositories }, now) {
      const { rowCount } = await query(
        "UPDATE event_deliveries SET state = 'waiting', attempts = 0, next_attempt_at = $2 WHERE state = 'parked' AND ($1::text IS NULL OR target = $1) AND ($3::text[] IS NULL OR repository = ANY($3))",
        [target ?? null, now, repositories ? [...repositories] : null],
      );
      return rowCount ?? 0;
    },

    async markEventFailed(seq, error, park) {
      await query("UPDATE outbox SET attempts = attempts + 1, last_error = $2, parked = $3 WHERE seq = $1", [seq, error, park]);
    },

    async pruneEvents(before) {
      // Their deliveries go with them (ON DELETE CASCADE).
      const { rowCount } = await query("DELETE FROM outbox WHERE created_at < $1", [before]);
      return rowCount ?? 0;
    },

    async health(): Promise<StoreHealth> {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<StoreHealth>((resolve) => {
        timer = setTimeout(() => resolve({ ok: false, reason: `PostgreSQL at ${database.where} did not answer within ${HEALTH_TIMEOUT_MS} ms` }), HEALTH_TIMEOUT_MS);
      });
      const answer = query("SELECT 1").then(
        (): StoreHealth => ({ ok: true }),
        (error: unknown): StoreHealth => ({ ok: false, reason: (error as Error).message }),
      );
      try {
        return await Promise.race([answer, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },

    close() {
      return database.close();
    },
  };
}

/**
 * The SET clauses of exactly the fields a change gives (one given as undefined is cleared), with
 * their values numbered from $3 (the key is $1 and $2).
 */
function environmentPatch(change: EnvironmentChange): { set: string[]; values: unknown[] } {
  const set: string[] = [];
  const values: unknown[] = [];
  for (const [field, column] of Object.entries(ENVIRONMENT_COLUMNS)) {
    if (!Object.hasOwn(change, field)) continue;
    values.push(environmentColumnValue(change[field as EnvironmentField]));
    set.push(`${column} = $${values.length + 2}`);
  }
  return { set, values };
}
