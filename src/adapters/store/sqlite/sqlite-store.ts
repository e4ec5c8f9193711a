import { randomUUID } from "node:crypto";
import { mkdirSync, statSync } from "node:fs";
import path from "node:path";
import type { DomainEvent } from "../../../core/events/domain-event.js";
import { StoreUnavailableError, sameLockHolder, type EnvironmentChange, type LeaseResult, type LockResult, type Store, type StoreHealth } from "../../../core/ports/index.js";
import { applyMigrations } from "./apply-migrations.js";
import { openKeptDatabase, preparedOnFirstUse } from "./kept-database.js";
import { migrations } from "./migrations.js";
import { SENSITIVE_VALUE_UPSERT, sensitiveValuesFromRows, type SensitiveValueRow } from "../sensitive-value-rows.js";
import { CERTIFICATE_UPSERT_SET, LISTED_CERTIFICATE_COLUMNS, certificateFromRow, certificateValues, storedCertificateFromRow, type CertificateRow } from "../certificate-rows.js";
import { environmentListSql } from "../environment-list-query.js";
import { apiTokenFromRow, attributeValues, auditFromRow, sessionFromRow, deliveryFromRow, foundResources, inventoryCandidates, inventoryFromRow, inventoryValues, orphanSweepFromRow, ENVIRONMENT_COLUMNS, environmentColumnValue, environmentFromRow, holderToText, jobFromRow, leaseFromRow, lockFromRow, runFromRow, toText } from "../store-rows.js";
import type { ApiTokenRow, AuditRow, SessionRow, EnvironmentField, EventDeliveryRow, InventoryRow, EnvironmentRow, JobRow, LeaseRow, LockRow, OrphanSweepRow, RunLogRow, RunRow } from "../store-rows.js";

/**
 * How long a statement waits for another connection (another envbot process, or the CLI next to
 * the app) to release its write lock before failing with SQLITE_BUSY.
 */
export const BUSY_TIMEOUT_MS = 5000;

const IN_MEMORY = ":memory:";

/**
 * The Store in one SQLite file (or ":memory:"), migrated to the current schema on open. Several
 * processes may open the same file: WAL lets readers run beside the one writer, and every
 * read-then-write runs as one IMMEDIATE transaction.
 */
export function openSqliteStore(options: { file: string }): Store {
  const { file } = options;
  if (file !== IN_MEMORY) mkdirSync(path.dirname(file), { recursive: true });

  const db = openKeptDatabase(file, { timeout: BUSY_TIMEOUT_MS });
  let replacedReason: () => string | undefined;
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("foreign_keys = ON");
    applyMigrations(db, migrations, file);
    replacedReason = watchFileIdentity(file);
  } catch (error) {
    db.close();
    throw error;
  }

  // Before each write: writes to a deleted or replaced file would be lost at the next restart.
  const assertWritable = () => {
    const reason = replacedReason();
    if (reason !== undefined) throw new StoreUnavailableError(`SQLite store ${path.resolve(file)}: ${reason}`);
  };

  // Prepared when first used: a command uses a few of them, and preparing all cost ~7 ms a start.
  const sql = preparedOnFirstUse({
    insertEnvironment: () => db.prepare(`
      INSERT INTO environments (repository, name, created_at, updated_at, ${ENVIRONMENT_FIELDS.map((field) => ENVIRONMENT_COLUMNS[field]).join(", ")})
      VALUES (@repository, @name, @now, @now, ${ENVIRONMENT_FIELDS.map((field) => `@${field}`).join(", ")})
      RETURNING *`),
    // Each field changes only when its set_ flag says the writer gave it.
    patchEnvironment: () => db.prepare(`
      UPDATE environments SET
        ${ENVIRONMENT_FIELDS.map((field) => `${ENVIRONMENT_COLUMNS[field]} = CASE WHEN @set_${field} THEN @${field} ELSE ${ENVIRONMENT_COLUMNS[field]} END,`).join("\n        ")}
        updated_at = @now
      WHERE repository = @repository AND name = @name
      RETURNING *`),
    getEnvironment: () => db.prepare("SELECT * FROM environments WHERE repository = ? AND name = ?"),
    listEnvironments: () => db.prepare("SELECT * FROM environments ORDER BY repository, name"),
    listEnvironmentsOf: () => db.prepare("SELECT * FROM environments WHERE repository = ? ORDER BY name"),
    listRepositories: () => db.prepare("SELECT DISTINCT repository FROM environments ORDER BY repository"),
    setLastRun: () => db.prepare("UPDATE environments SET last_run_id = ? WHERE repository = ? AND name = ?"),

    startRun: () => db.prepare(`
      INSERT INTO runs (repository, environment, kind, commit_sha, actor, started_at, outcome)
      VALUES (@repository, @environment, @kind, @commit, @actor, @now, 'running')
      RETURNING *`),
    finishRun: () => db.prepare(`
      UPDATE runs SET finished_at = @now, outcome = @outcome, summary = @summary, log_excerpt = @logExcerpt, error = @error
      WHERE id = @id
      RETURNING *`),
    getRun: () => db.prepare("SELECT * FROM runs WHERE id = ?"),
    getRuns: () => db.prepare("SELECT * FROM runs WHERE id IN (SELECT value FROM json_each(?))"),
    listPricedRuns: () => db.prepare(`
      SELECT * FROM (
        SELECT *, row_number() OVER (PARTITION BY environment ORDER BY id DESC) AS nth FROM runs
        WHERE repository = ? AND environment IN (SELECT value FROM json_each(?)) AND outcome = 'succeeded' AND kind IN ('plan', 'apply')
          AND json_valid(summary) AND json_type(summary, '$.cost.hourly') IN ('integer', 'real')
      ) WHERE nth <= ? ORDER BY id DESC`),
    // LIMIT -1 is SQLite for "no limit".
    listUnfinishedRuns: () => db.prepare("SELECT * FROM runs WHERE outcome = 'running' ORDER BY id"),
    listRuns: () => db.prepare("SELECT * FROM runs WHERE repository = ? AND environment = ? ORDER BY id DESC LIMIT ?"),
    // @repositories is a JSON array, or NULL for every repository.
    listRecentRuns: () => db.prepare(`
      SELECT * FROM runs
      WHERE (@repositories IS NULL OR repository IN (SELECT value FROM json_each(@repositories))) AND (@environment IS NULL OR environment = @environment) AND (@beforeId IS NULL OR id < @beforeId)
      ORDER BY id DESC LIMIT @limit`),
    lastRunLogSeq: () => db.prepare("SELECT coalesce(max(seq), 0) AS seq FROM run_logs WHERE run_id = ?"),
    insertRunLog: () => db.prepare("INSERT INTO run_logs (run_id, seq, line) VALUES (?, ?, ?)"),
    readRunLog: () => db.prepare("SELECT seq, line FROM run_logs WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?"),
    pruneRunLogs: () => db.prepare("DELETE FROM run_logs WHERE run_id IN (SELECT id FROM runs WHERE finished_at IS NOT NULL AND finished_at < ?)"),

    insertApiToken: () => db.prepare("INSERT INTO api_tokens (hash, name, login, repositories, created_at) VALUES (?, ?, ?, ?, ?) RETURNING *"),
    useApiToken: () => db.prepare("UPDATE api_tokens SET last_used_at = ? WHERE hash = ? AND revoked_at IS NULL RETURNING *"),
    listApiTokens: () => db.prepare("SELECT * FROM api_tokens WHERE login = ? AND revoked_at IS NULL ORDER BY id"),
    revokeApiToken: () => db.prepare("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND login = ? AND revoked_at IS NULL"),

    insertSession: () => db.prepare("INSERT INTO sessions (id, login, created_at, expires_at) VALUES (?, ?, ?, ?)"),
    getSession: () => db.prepare("SELECT * FROM sessions WHERE id = ?"),
    endSession: () => db.prepare("UPDATE sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL"),
    endSessionsOf: () => db.prepare("UPDATE sessions SET ended_at = ? WHERE login = ? AND ended_at IS NULL"),
    pruneSessions: () => db.prepare("DELETE FROM sessions WHERE expires_at < ?"),
    insertServerSecret: () => db.prepare("INSERT INTO server_secrets (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING"),
    getServerSecret: () => db.prepare("SELECT value FROM server_secrets WHERE name = ?"),

    insertAudit: () => db.prepare(`
      INSERT INTO audit (at, actor, source, action, repository, environment, outcome, detail)
      VALUES (@at, @actor, @source, @action, @repository, @environment, @outcome, @detail) RETURNING *`),
    listAudit: () => db.prepare(`
      SELECT * FROM audit
      WHERE (@repositories IS NULL OR repository IN (SELECT value FROM json_each(@repositories))) AND (@environment IS NULL OR environment = @environment) AND (@beforeId IS NULL OR id < @beforeId)
      ORDER BY id DESC LIMIT @limit`),

    insertLock: () => db.prepare(`
      INSERT INTO locks (repository, environment, holder, acquired_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (repository, environment) DO NOTHING`),
    getLock: () => db.prepare("SELECT * FROM locks WHERE repository = ? AND environment = ?"),
    releaseLock: () => db.prepare("DELETE FROM locks WHERE repository = ? AND environment = ? AND holder = ?"),
    listLocks: () => db.prepare("SELECT * FROM locks ORDER BY repository, environment"),
    listLocksOf: () => db.prepare("SELECT * FROM locks WHERE repository = ? ORDER BY environment"),

    dropExpiredLease: () => db.prepare("DELETE FROM leases WHERE key = ? AND expires_at < ?"),
    insertLease: () => db.prepare("INSERT INTO leases (key, holder, token, acquired_at, expires_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING"),
    getLease: () => db.prepare("SELECT * FROM leases WHERE key = ?"),
    renewLease: () => db.prepare("UPDATE leases SET expires_at = ? WHERE key = ? AND token = ?"),
    releaseLease: () => db.prepare("DELETE FROM leases WHERE key = ? AND token = ?"),

    insertDelivery: () => db.prepare("INSERT INTO deliveries (id, received_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING"),
    pruneDeliveries: () => db.prepare("DELETE FROM deliveries WHERE received_at < ?"),
    getDelivery: () => db.prepare("SELECT id FROM deliveries WHERE id = ?"),

    supersededJobs: () => db.prepare("DELETE FROM jobs WHERE key = ? AND final = 0 AND started_at IS NULL RETURNING id"),
    insertJob: () => db.prepare("INSERT INTO jobs (key, final, payload, enqueued_at) VALUES (?, ?, ?, ?) RETURNING id"),
    markJobStarted: () => db.prepare("UPDATE jobs SET started_at = ?, attempts = attempts + 1 WHERE id = ?"),
    removeJob: () => db.prepare("DELETE FROM jobs WHERE id = ?"),
    listJobs: () => db.prepare("SELECT * FROM jobs ORDER BY id"),

    insertEvent: () => db.prepare("INSERT INTO outbox (id, event, created_at) VALUES (?, ?, ?)"),
    pendingEvents: () => db.prepare("SELECT seq, event, attempts, last_error FROM outbox WHERE delivered_at IS NULL AND parked = 0 ORDER BY seq LIMIT ?"),
    markEventRouted: () => db.prepare("UPDATE outbox SET delivered_at = ? WHERE seq = ?"),
    markEventFailed: () => db.prepare("UPDATE outbox SET attempts = attempts + 1, last_error = ?, parked = ? WHERE seq = ?"),
    pruneEventDeliveries: () => db.prepare("DELETE FROM event_deliveries WHERE seq IN (SELECT seq FROM outbox WHERE created_at < ?)"),
    pruneEvents: () => db.prepare("DELETE FROM outbox WHERE created_at < ?"),

    deleteInventory: () => db.prepare("DELETE FROM inventory WHERE repository = ? AND environment = ?"),
    deleteInventoryValues: () => db.prepare("DELETE FROM inventory_values WHERE repository = ? AND environment = ?"),
    insertInventoryValue: () => db.prepare("INSERT OR IGNORE INTO inventory_values (value, repository, environment, address) VALUES (?, ?, ?, ?)"),
    insertInventory: () => db.prepare("INSERT INTO inventory (repository, environment, address, type, provider, module, cloud_id, arn, depends_on, attributes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
    listInventory: () => db.prepare("SELECT * FROM inventory WHERE repository = ? AND environment = ? ORDER BY address"),
    upsertOrphanSweep: () => db.prepare(
      "INSERT INTO orphan_sweeps (repository, swept_at, region, orphans) VALUES (?, ?, ?, ?) ON CONFLICT (repository) DO UPDATE SET swept_at = excluded.swept_at, region = excluded.region, orphans = excluded.orphans",
    ),
    listOrphanSweeps: () => db.prepare("SELECT * FROM orphan_sweeps WHERE repository IN (SELECT value FROM json_each(?)) ORDER BY repository"),
    getThread: () => db.prepare("SELECT thread FROM notification_threads WHERE target = ? AND repository = ? AND environment = ?"),
    setThread: () => db.prepare("INSERT INTO notification_threads (target, repository, environment, thread) VALUES (?, ?, ?, ?) ON CONFLICT (target, repository, environment) DO UPDATE SET thread = excluded.thread"),
    deleteThread: () => db.prepare("DELETE FROM notification_threads WHERE target = ? AND repository = ? AND environment = ?"),
    putCertificate: () => db.prepare(`INSERT INTO certificates VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (repository, environment, name) DO UPDATE SET ${CERTIFICATE_UPSERT_SET}`),
    getCertificate: () => db.prepare("SELECT * FROM certificates WHERE repository = ? AND environment = ? AND name = ?"),
    listCertificates: () => db.prepare(`SELECT ${LISTED_CERTIFICATE_COLUMNS} FROM certificates WHERE repository = ? AND environment = ? ORDER BY name`),
    removeCertificates: () => db.prepare("DELETE FROM certificates WHERE repository = ? AND environment = ? AND name NOT IN (SELECT value FROM json_each(?))"),
    forgetSensitiveValues: () => db.prepare("DELETE FROM sensitive_values WHERE repository = ? AND environment = ? AND kind = ? AND name NOT IN (SELECT value FROM json_each(?))"),
    keepSensitiveValue: () => db.prepare(`INSERT INTO sensitive_values VALUES (?, ?, ?, ?, ?, ?) ${SENSITIVE_VALUE_UPSERT}`),
    getSensitiveValues: () => db.prepare("SELECT name, value, changed_at FROM sensitive_values WHERE repository = ? AND environment = ? AND kind = ?"),
    findInventory: () => db.prepare(`
      SELECT * FROM inventory
      WHERE (arn = @exact OR cloud_id = @exact OR type = @exact OR address = @exact
             OR (repository, environment, address) IN (SELECT repository, environment, address FROM inventory_values WHERE value = @value))
        AND (@repositories IS NULL OR repository IN (SELECT value FROM json_each(@repositories)))
      ORDER BY repository, environment, address LIMIT @scan`),

    insertEventDelivery: () => db.prepare(`
      INSERT INTO event_deliveries (seq, target, repository, environment, state, next_attempt_at, last_error)
      SELECT seq, ?, json_extract(event, '$.repository'), json_extract(event, '$.environment'), ?, ?, ? FROM outbox WHERE seq = ?
      ON CONFLICT (seq, target) DO NOTHING`),
    dueDeliveries: () => db.prepare(`
      SELECT d.seq, d.target, d.state, d.attempts, d.last_error, o.event FROM event_deliveries d JOIN outbox o ON o.seq = d.seq
      WHERE d.state = 'waiting' AND d.next_attempt_at <= ?
        AND NOT EXISTS (
          SELECT 1 FROM event_deliveries e
          WHERE e.state = 'waiting' AND e.target = d.target AND e.repository = d.repository AND e.environment = d.environment AND e.seq < d.seq)
      ORDER BY d.seq LIMIT ?`),
    markDeliveryDone: () => db.prepare("UPDATE event_deliveries SET state = 'delivered', attempts = attempts + 1, delivered_at = ?, last_error = NULL WHERE seq = ? AND target = ?"),
    markDeliveryFailed: () => db.prepare("UPDATE event_deliveries SET attempts = attempts + 1, last_error = ?, state = ?, next_attempt_at = ? WHERE seq = ? AND target = ?"),
    deliveryStatus: () => db.prepare(`
      SELECT target,
        SUM(state = 'waiting') AS waiting, SUM(state = 'parked') AS parked, SUM(state = 'delivered') AS delivered,
        MAX(delivered_at) AS last_delivered_at,
        (SELECT last_error FROM event_deliveries e
          WHERE e.target = d.target AND e.last_error IS NOT NULL AND (@repositories IS NULL OR e.repository IN (SELECT value FROM json_each(@repositories)))
          ORDER BY e.seq DESC LIMIT 1) AS last_error
      FROM event_deliveries d WHERE @repositories IS NULL OR d.repository IN (SELECT value FROM json_each(@repositories))
      GROUP BY target ORDER BY target`),
    deliveryRepositories: () => db.prepare("SELECT DISTINCT repository FROM event_deliveries ORDER BY repository"),
    listParkedDeliveries: () => db.prepare(`
      SELECT d.seq, d.target, d.state, d.attempts, d.last_error, o.event FROM event_deliveries d JOIN outbox o ON o.seq = d.seq
      WHERE d.state = 'parked' AND (@target IS NULL OR d.target = @target) ORDER BY d.seq DESC LIMIT @limit`),
    retryParkedDeliveries: () => db.prepare(`
      UPDATE event_deliveries SET state = 'waiting', attempts = 0, next_attempt_at = @now
      WHERE state = 'parked' AND (@target IS NULL OR target = @target) AND (@repositories IS NULL OR repository IN (SELECT value FROM json_each(@repositories)))`),
  });

  const addJob = db.transaction((job: { key: string; final: boolean; payload: string; delivery?: string }) => {
    if (job.delivery !== undefined && sql.insertDelivery.run(job.delivery, toText(new Date())).changes === 0) return { added: false as const };
    const superseded = job.final ? [] : (sql.supersededJobs.all(job.key) as { id: number }[]).map((row) => row.id);
    const { id } = sql.insertJob.get(job.key, job.final ? 1 : 0, job.payload, toText(new Date())) as { id: number };
    return { added: true as const, id, superseded };
  });

  const appendEvents = (events: readonly DomainEvent[] = []) => {
    for (const event of events) sql.insertEvent.run(event.id, JSON.stringify(event), toText(new Date()));
  };

  const finishRun = db.transaction((id: number, result: Parameters<Store["finishRun"]>[1], events?: DomainEvent[]): RunRow => {
    const row = sql.finishRun.get({
      id,
      now: toText(new Date()),
      outcome: result.outcome,
      summary: result.summary ?? null,
      logExcerpt: result.logExcerpt ?? null,
      error: result.error ?? null,
    }) as RunRow | undefined;
    if (row === undefined) throw new Error(`cannot finish run ${id}: there is no run with that id`);
    sql.setLastRun.run(row.id, row.repository, row.environment);
    appendEvents(events);
    if (result.audit) {
      sql.insertAudit.get({ at: toText(new Date()), actor: result.audit.actor, source: result.audit.source, action: row.kind, repository: row.repository, environment: row.environment, outcome: row.outcome, detail: result.audit.detail ?? null });
    }
    if (result.inventory) {
      sql.deleteInventory.run(row.repository, row.environment);
      sql.deleteInventoryValues.run(row.repository, row.environment);
      for (const resource of result.inventory) {
        sql.insertInventory.run(...inventoryValues(row.repository, row.environment, resource));
        for (const value of attributeValues(resource.attributes)) sql.insertInventoryValue.run(value, row.repository, row.environment, resource.address);
      }
    }
    return row;
  });

  // Patch or create in one transaction: no other writer's change can fall between the two.
  const upsertEnvironment = db.transaction((change: EnvironmentChange, events?: DomainEvent[]): EnvironmentRow => {
    const params = environmentParams(change);
    appendEvents(events);
    const patched = sql.patchEnvironment.get(params) as EnvironmentRow | undefined;
    if (patched) return patched;
    const missing = (["template", "owner", "status"] as const).filter((field) => change[field] === undefined);
    if (missing.length > 0) throw new Error(`cannot record environment ${change.repository}:${change.name} for the first time without ${missing.join(", ")}`);
    return sql.insertEnvironment.get(params) as EnvironmentRow;
  });

  // Numbered after the last kept line inside one write transaction: no other writer between.
  const appendRunLog = db.transaction((runId: number, lines: readonly string[]) => {
    let seq = (sql.lastRunLogSeq.get(runId) as { seq: number }).seq;
    for (const line of lines) sql.insertRunLog.run(runId, ++seq, line);
  });

  // The insert either takes the free lock or does nothing; reading it back in the same
  // transaction tells whether we now hold it, with no window for another connection between.
  const acquireLock = db.transaction((repository: string, environment: string, holder: string): LockRow => {
    sql.insertLock.run(repository, environment, holder, toText(new Date()));
    return sql.getLock.get(repository, environment) as LockRow;
  });

  // As acquireLock, and an expired lease is dropped first: its holder is gone.
  const acquireLease = db.transaction((key: string, holder: string, token: string, ttlMs: number): LeaseRow => {
    const now = new Date();
    sql.dropExpiredLease.run(key, toText(now));
    sql.insertLease.run(key, holder, token, toText(now), toText(new Date(now.getTime() + ttlMs)));
    return sql.getLease.get(key) as LeaseRow;
  });

  return {
    async upsertEnvironment(change, events) {
      assertWritable();
      return environmentFromRow(upsertEnvironment.immediate(change, events));
    },

    async getEnvironment(repository, name) {
      const row = sql.getEnvironment.get(repository, name) as EnvironmentRow | undefined;
      return row === undefined ? undefined : environmentFromRow(row);
    },

    async listEnvironments(repository) {
      const rows = (repository === undefined ? sql.listEnvironments.all() : sql.listEnvironmentsOf.all(repository)) as EnvironmentRow[];
      return rows.map(environmentFromRow);
    },

    async queryEnvironments(query) {
      const { where, params, after, afterParams } = environmentListSql(query, "sqlite");
      const total = (db.prepare(`SELECT count(*) AS total FROM environments WHERE ${where}`).get(...params) as { total: number }).total;
      const rows = db.prepare(`SELECT * FROM environments WHERE ${where}${after} ORDER BY repository, name LIMIT ?`).all(...params, ...afterParams, query.limit) as EnvironmentRow[];
      return { items: rows.map(environmentFromRow), total };
    },

    async listRepositories() {
      return (sql.listRepositories.all() as { repository: string }[]).map((row) => row.repository);
    },

    async startRun(run) {
      assertWritable();
      const row = sql.startRun.get({
        repository: run.repository,
        environment: run.environment,
        kind: run.kind,
        commit: run.commit ?? null,
        actor: run.actor,
        now: toText(new Date()),
      }) as RunRow;
      return runFromRow(row);
    },

    async finishRun(id, result, events) {
      assertWritable();
      return runFromRow(finishRun.immediate(id, result, events));
    },

    async getRun(id) {
      const row = sql.getRun.get(id) as RunRow | undefined;
      return row === undefined ? undefined : runFromRow(row);
    },

    async listPricedRuns(repository, environments, perEnvironment) {
      if (environments.length === 0) return [];
      return (sql.listPricedRuns.all(repository, JSON.stringify(environments), perEnvironment) as RunRow[]).map(runFromRow);
    },

    async getRuns(ids) {
      if (ids.length === 0) return [];
      return (sql.getRuns.all(JSON.stringify(ids)) as RunRow[]).map(runFromRow);
    },

    async listRuns(repository, environment, limit) {
      if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) {
        throw new RangeError(`listRuns: limit must be a whole number of at least 0, not ${limit}`);
      }
      const rows = sql.listRuns.all(repository, environment, limit ?? -1) as RunRow[];
      return rows.map(runFromRow);
    },

    async listUnfinishedRuns() {
      return (sql.listUnfinishedRuns.all() as RunRow[]).map(runFromRow);
    },

    async listRecentRuns({ repositories, environment, beforeId, limit }) {
      const rows = sql.listRecentRuns.all({ repositories: repositories === undefined ? null : JSON.stringify(repositories), environment: environment ?? null, beforeId: beforeId ?? null, limit }) as RunRow[];
      return rows.map(runFromRow);
    },

    async appendRunLog(runId, lines) {
      if (lines.length === 0) return;
      assertWritable();
      appendRunLog.immediate(runId, lines);
    },

    async readRunLog(runId, afterSeq, limit) {
      return sql.readRunLog.all(runId, afterSeq, limit) as RunLogRow[];
    },

    async pruneRunLogs(before) {
      assertWritable();
      return sql.pruneRunLogs.run(toText(before)).changes;
    },

    async createApiToken(token) {
      assertWritable();
      return apiTokenFromRow(sql.insertApiToken.get(token.hash, token.name, token.login, JSON.stringify(token.repositories), toText(new Date())) as ApiTokenRow);
    },

    async useApiToken(hash) {
      const row = sql.useApiToken.get(toText(new Date()), hash) as ApiTokenRow | undefined;
      return row && apiTokenFromRow(row);
    },

    async listApiTokens(login) {
      return (sql.listApiTokens.all(login) as ApiTokenRow[]).map(apiTokenFromRow);
    },

    async revokeApiToken(id, login) {
      assertWritable();
      return sql.revokeApiToken.run(toText(new Date()), id, login).changes > 0;
    },

    async createSession(session) {
      assertWritable();
      sql.insertSession.run(session.id, session.login, toText(session.createdAt), toText(session.expiresAt));
    },

    async getSession(id) {
      const row = sql.getSession.get(id) as SessionRow | undefined;
      return row && sessionFromRow(row);
    },

    async endSession(id) {
      assertWritable();
      return sql.endSession.run(toText(new Date()), id).changes > 0;
    },

    async endSessionsOf(login) {
      assertWritable();
      return sql.endSessionsOf.run(toText(new Date()), login).changes;
    },

    async pruneSessions(expiredBefore) {
      assertWritable();
      return sql.pruneSessions.run(toText(expiredBefore)).changes;
    },

    async keepServerSecret(name, generated) {
      assertWritable();
      // The insert does nothing when another process kept one first; the read returns that one.
      sql.insertServerSecret.run(name, generated, toText(new Date()));
      return (sql.getServerSecret.get(name) as { value: string }).value;
    },

    async recordAudit(entry) {
      assertWritable();
      const row = sql.insertAudit.get({ at: toText(new Date()), environment: null, detail: null, ...entry }) as AuditRow;
      return auditFromRow(row);
    },

    async listAudit({ repositories, environment, beforeId, limit }) {
      const rows = sql.listAudit.all({ repositories: repositories === undefined ? null : JSON.stringify(repositories), environment: environment ?? null, beforeId: beforeId ?? null, limit }) as AuditRow[];
      return rows.map(auditFromRow);
    },

    async acquireLock(repository, environment, holder): Promise<LockResult> {
      assertWritable();
      const lock = lockFromRow(acquireLock.immediate(repository, environment, holderToText(holder)));
      return sameLockHolder(lock.holder, holder) ? { acquired: true, lock } : { acquired: false, heldBy: lock };
    },

    async releaseLock(repository, environment, holder) {
      assertWritable();
      return sql.releaseLock.run(repository, environment, holderToText(holder)).changes > 0;
    },

    async listLocks(repository) {
      const rows = (repository === undefined ? sql.listLocks.all() : sql.listLocksOf.all(repository)) as LockRow[];
      return rows.map(lockFromRow);
    },

    async acquireLease(key, holder, ttlMs): Promise<LeaseResult> {
      assertWritable();
      const token = randomUUID();
      const lease = leaseFromRow(acquireLease.immediate(key, holder, token, ttlMs));
      return lease.token === token ? { acquired: true, lease } : { acquired: false, heldBy: lease };
    },

    async renewLease(lease, ttlMs) {
      assertWritable();
      return sql.renewLease.run(toText(new Date(Date.now() + ttlMs)), lease.key, lease.token).changes > 0;
    },

    async releaseLease(lease) {
      assertWritable();
      return sql.releaseLease.run(lease.key, lease.token).changes > 0;
    },

    async recordDelivery(id, receivedAt = new Date()) {
      assertWritable();
      return sql.insertDelivery.run(id, toText(receivedAt)).changes > 0;
    },

    async hasDelivery(id) {
      return sql.getDelivery.get(id) !== undefined;
    },

    async pruneDeliveries(olderThan) {
      assertWritable();
      return sql.pruneDeliveries.run(toText(olderThan)).changes;
    },

    async addJob(job) {
      assertWritable();
      return addJob.immediate(job);
    },

    async markJobStarted(id) {
      assertWritable();
      sql.markJobStarted.run(toText(new Date()), id);
    },

    async removeJob(id) {
      assertWritable();
      sql.removeJob.run(id);
    },

    async listJobs() {
      return (sql.listJobs.all() as JobRow[]).map(jobFromRow);
    },

    async appendEvents(events) {
      assertWritable();
      db.transaction(() => appendEvents(events)).immediate();
    },

    async pendingEvents(limit) {
      return (sql.pendingEvents.all(limit) as OutboxRow[]).map((row) => ({
        seq: row.seq,
        event: JSON.parse(row.event) as DomainEvent,
        attempts: row.attempts,
        ...(row.last_error === null ? {} : { lastError: row.last_error }),
      }));
    },

    async listInventory(repository, environment) {
      return (sql.listInventory.all(repository, environment) as InventoryRow[]).map(inventoryFromRow);
    },

    async recordOrphanSweep(sweep) {
      assertWritable();
      sql.upsertOrphanSweep.run(sweep.repository, toText(sweep.sweptAt), sweep.region, JSON.stringify(sweep.orphans));
    },

    async listOrphanSweeps(repositories) {
      return (sql.listOrphanSweeps.all(JSON.stringify(repositories)) as OrphanSweepRow[]).map(orphanSweepFromRow);
    },

    async notificationThread(target, repository, environment) {
      return (sql.getThread.get(target, repository, environment) as { thread: string } | undefined)?.thread;
    },

    async setNotificationThread(target, repository, environment, thread) {
      assertWritable();
      if (thread === undefined) sql.deleteThread.run(target, repository, environment);
      else sql.setThread.run(target, repository, environment, thread);
    },

    async putCertificate(certificate) {
      assertWritable();
      sql.putCertificate.run(...certificateValues(certificate));
    },

    async getCertificate(repository, environment, name) {
      const row = sql.getCertificate.get(repository, environment, name) as CertificateRow | undefined;
      return row && storedCertificateFromRow(row);
    },

    async listCertificates(repository, environment) {
      return (sql.listCertificates.all(repository, environment) as CertificateRow[]).map(certificateFromRow);
    },

    async removeCertificates(repository, environment, keep) {
      assertWritable();
      sql.removeCertificates.run(repository, environment, JSON.stringify(keep));
    },

    async keepSensitiveValues(repository, environment, kind, values, at) {
      assertWritable();
      db.transaction(() => {
        sql.forgetSensitiveValues.run(repository, environment, kind, JSON.stringify(Object.keys(values)));
        for (const [name, value] of Object.entries(values)) sql.keepSensitiveValue.run(repository, environment, kind, name, JSON.stringify(value), toText(at));
      }).immediate();
    },

    async getSensitiveValues(repository, environment, kind) {
      return sensitiveValuesFromRows(sql.getSensitiveValues.all(repository, environment, kind) as SensitiveValueRow[]);
    },

    async findResources(query, { repositories, limit }) {
      const rows = sql.findInventory.all({ ...inventoryCandidates(query), repositories: repositories ? JSON.stringify(repositories) : null, scan: limit * 20 }) as InventoryRow[];
      return foundResources(rows, query, limit);
    },

    async routeEvent(seq, deliveries, now) {
      assertWritable();
      db.transaction(() => {
        for (const { target, parkedBecause } of deliveries) {
          sql.insertEventDelivery.run(target, parkedBecause === undefined ? "waiting" : "parked", toText(now), parkedBecause ?? null, seq);
        }
        sql.markEventRouted.run(toText(now), seq);
      }).immediate();
    },

    async dueDeliveries(now, limit) {
      return (sql.dueDeliveries.all(toText(now), limit) as EventDeliveryRow[]).map(deliveryFromRow);
    },

    async markDeliveryDone(seq, target, now) {
      assertWritable();
      sql.markDeliveryDone.run(toText(now), seq, target);
    },

    async markDeliveryFailed(seq, target, error, retryAt) {
      assertWritable();
      const park = retryAt === "park";
      sql.markDeliveryFailed.run(error, park ? "parked" : "waiting", toText(park ? new Date() : retryAt), seq, target);
    },

    async deliveryStatus(options = {}) {
      const rows = sql.deliveryStatus.all({ repositories: options.repositories ? JSON.stringify(options.repositories) : null }) as { target: string; waiting: number; parked: number; delivered: number; last_delivered_at: string | null; last_error: string | null }[];
      return rows.map((row) => ({
        target: row.target,
        waiting: row.waiting,
        parked: row.parked,
        delivered: row.delivered,
        ...(row.last_delivered_at === null ? {} : { lastDeliveredAt: new Date(row.last_delivered_at) }),
        ...(row.last_error === null ? {} : { lastError: row.last_error }),
      }));
    },

    async deliveryRepositories() {
      return (sql.deliveryRepositories.all() as { repository: string }[]).map((row) => row.repository);
    },

    async listParkedDeliveries({ target, limit }) {
      return (sql.listParkedDeliveries.all({ target: target ?? null, limit }) as EventDeliveryRow[]).map(deliveryFromRow);
    },

    async retryParkedDeliveries({ target, repositories }, now) {
      assertWritable();
      return sql.retryParkedDeliveries.run({ target: target ?? null, repositories: repositories ? JSON.stringify(repositories) : null, now: toText(now) }).changes;
    },

    async markEventFailed(seq, error, park) {
      assertWritable();
      sql.markEventFailed.run(error, park ? 1 : 0, seq);
    },

    async pruneEvents(before) {
      assertWritable();
      return db.transaction(() => {
        sql.pruneEventDeliveries.run(toText(before));
        return sql.pruneEvents.run(toText(before)).changes;
      }).immediate();
    },

    async health(): Promise<StoreHealth> {
      const reason = replacedReason();
      return reason === undefined ? { ok: true } : { ok: false, reason };
    },

    async close() {
      db.close();
    },
  };
}

interface OutboxRow {
  seq: number;
  event: string;
  attempts: number;
  last_error: string | null;
}

const ENVIRONMENT_FIELDS = Object.keys(ENVIRONMENT_COLUMNS) as EnvironmentField[];

/** The statement parameters of a change: each field's value, and whether the writer gave it. */
function environmentParams(change: EnvironmentChange): Record<string, string | number | null> {
  const params: Record<string, string | number | null> = { repository: change.repository, name: change.name, now: toText(new Date()) };
  for (const field of ENVIRONMENT_FIELDS) {
    const value = change[field];
    const column = environmentColumnValue(value);
    params[field] = column instanceof Date ? toText(column) : column;
    params[`set_${field}`] = Object.hasOwn(change, field) ? 1 : 0;
  }
  return params;
}

/**
 * SQLite keeps writing to an open file after it is deleted or renamed over, and all of it is gone
 * at the next start. This tells, from the path's (device, inode) against the opened file's, why
 * the file is no longer the one opened; undefined while it is. A stat is cheap next to a write.
 */
function watchFileIdentity(file: string): () => string | undefined {
  if (file === IN_MEMORY) return () => undefined;
  const absolute = path.resolve(file);
  const opened = statSync(absolute);
  return () => {
    let now;
    try {
      now = statSync(absolute, { throwIfNoEntry: false });
    } catch (error) {
      return `the database file cannot be checked (${(error as NodeJS.ErrnoException).code ?? "error"}), so writes might be lost`;
    }
    if (now !== undefined && now.dev === opened.dev && now.ino === opened.ino) return undefined;
    return (
      "the database file was deleted or replaced under the running process; what envbot writes now would be lost at the next start. " +
      "Restart envbot with the data directory restored from backup"
    );
  };
}
