/**
 * The SQLite schema, as versioned steps. Append only: a released migration is never edited,
 * since databases in the field have already run it; change the schema with a new version.
 * Times are ISO-8601 UTC text (Date.toISOString()), so they sort and compare as text.
 */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    description: "environments, runs and locks",
    sql: `
      CREATE TABLE runs (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        repository  TEXT NOT NULL,
        environment TEXT NOT NULL,
        kind        TEXT NOT NULL CHECK (kind IN ('plan', 'apply', 'destroy', 'drift')),
        commit_sha  TEXT,
        actor       TEXT NOT NULL,
        started_at  TEXT NOT NULL,
        finished_at TEXT,
        outcome     TEXT NOT NULL CHECK (outcome IN ('running', 'succeeded', 'failed', 'cancelled')),
        summary     TEXT,
        log_excerpt TEXT,
        error       TEXT,
        -- A run is finished exactly when it has an outcome other than running.
        CHECK ((outcome = 'running') = (finished_at IS NULL))
      );
      -- listRuns: newest first within one environment.
      CREATE INDEX runs_by_environment ON runs (repository, environment, id);

      CREATE TABLE environments (
        repository       TEXT NOT NULL,
        name             TEXT NOT NULL,
        template         TEXT NOT NULL,
        owner            TEXT NOT NULL,
        status           TEXT NOT NULL CHECK (status IN ('planned', 'applying', 'active', 'expiring', 'destroying', 'destroyed', 'failed')),
        created_at       TEXT NOT NULL,
        first_applied_at TEXT,
        expires_at       TEXT,
        last_run_id      INTEGER REFERENCES runs (id) ON DELETE SET NULL,
        updated_at       TEXT NOT NULL,
        PRIMARY KEY (repository, name)
      );

      CREATE TABLE locks (
        repository  TEXT NOT NULL,
        environment TEXT NOT NULL,
        holder      TEXT NOT NULL,
        acquired_at TEXT NOT NULL,
        PRIMARY KEY (repository, environment)
      );
    `,
  },
  {
    version: 2,
    description: "webhook deliveries, so a redelivery is processed once",
    sql: `
      CREATE TABLE deliveries (
        id          TEXT PRIMARY KEY,
        received_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 3,
    description: "what the reconciler remembers per environment: the expiry warning sent, the drift issue",
    sql: `
      ALTER TABLE environments ADD COLUMN expiry_warned_for TEXT;
      ALTER TABLE environments ADD COLUMN drift_issue INTEGER;
      ALTER TABLE environments ADD COLUMN drift_fingerprint TEXT;
    `,
  },
  {
    version: 4,
    description: "leases: one Terraform operation per environment across processes, expiring unless renewed",
    sql: `
      CREATE TABLE leases (
        key         TEXT PRIMARY KEY,
        holder      TEXT NOT NULL,
        token       TEXT NOT NULL,
        acquired_at TEXT NOT NULL,
        expires_at  TEXT NOT NULL
      );
    `,
  },
  {
    version: 5,
    description: "runs can end as interrupted: their process stopped while Terraform ran",
    // SQLite cannot change a CHECK: the table is rebuilt. Dropping the old one sets every
    // environment's last_run_id to NULL (ON DELETE SET NULL), so those are kept aside and put back.
    sql: `
      CREATE TEMP TABLE last_runs AS SELECT repository, name, last_run_id FROM environments WHERE last_run_id IS NOT NULL;
      CREATE TABLE runs_v5 (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        repository  TEXT NOT NULL,
        environment TEXT NOT NULL,
        kind        TEXT NOT NULL CHECK (kind IN ('plan', 'apply', 'destroy', 'drift')),
        commit_sha  TEXT,
        actor       TEXT NOT NULL,
        started_at  TEXT NOT NULL,
        finished_at TEXT,
        outcome     TEXT NOT NULL CHECK (outcome IN ('running', 'succeeded', 'failed', 'cancelled', 'interrupted')),
        summary     TEXT,
        log_excerpt TEXT,
        error       TEXT,
        CHECK ((outcome = 'running') = (finished_at IS NULL))
      );
      INSERT INTO runs_v5 SELECT * FROM runs;
      DROP TABLE runs;
      ALTER TABLE runs_v5 RENAME TO runs;
      CREATE INDEX runs_by_environment ON runs (repository, environment, id);
      -- recoverInterruptedRuns: the runs still marked running.
      CREATE INDEX runs_running ON runs (outcome) WHERE outcome = 'running';
      UPDATE environments SET last_run_id = (SELECT l.last_run_id FROM last_runs l WHERE l.repository = environments.repository AND l.name = environments.name)
        WHERE EXISTS (SELECT 1 FROM last_runs l WHERE l.repository = environments.repository AND l.name = environments.name);
      DROP TABLE last_runs;
    `,
  },
  {
    version: 6,
    description: "jobs: the embedded queue's work, kept so an acknowledged webhook survives a restart",
    sql: `
      CREATE TABLE jobs (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        key         TEXT NOT NULL,
        final       INTEGER NOT NULL CHECK (final IN (0, 1)),
        payload     TEXT NOT NULL,
        enqueued_at TEXT NOT NULL,
        started_at  TEXT,
        attempts    INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX jobs_by_key ON jobs (key, id);
    `,
  },
  {
    version: 7,
    description: "the core keeps no GitHub issue numbers: the reporters find their drift issues again by title",
    sql: `
      ALTER TABLE environments DROP COLUMN drift_issue;
    `,
  },
  {
    version: 8,
    description: "outbox: domain events written with their state change, kept until delivered",
    sql: `
      CREATE TABLE outbox (
        seq          INTEGER PRIMARY KEY AUTOINCREMENT,
        id           TEXT NOT NULL UNIQUE,
        event        TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        delivered_at TEXT,
        attempts     INTEGER NOT NULL DEFAULT 0,
        last_error   TEXT,
        parked       INTEGER NOT NULL DEFAULT 0 CHECK (parked IN (0, 1))
      );
      CREATE INDEX outbox_pending ON outbox (seq) WHERE delivered_at IS NULL AND parked = 0;
    `,
  },
  {
    version: 9,
    description: "the control plane: what an environment's definition says, runs' whole logs, API tokens and the audit trail",
    sql: `
      ALTER TABLE environments ADD COLUMN description TEXT;
      ALTER TABLE environments ADD COLUMN labels TEXT;
      ALTER TABLE environments ADD COLUMN definition TEXT;
      ALTER TABLE environments ADD COLUMN outputs TEXT;

      CREATE TABLE run_logs (
        run_id INTEGER NOT NULL,
        seq    INTEGER NOT NULL,
        line   TEXT NOT NULL,
        PRIMARY KEY (run_id, seq)
      ) WITHOUT ROWID;

      CREATE TABLE api_tokens (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        hash         TEXT NOT NULL UNIQUE,
        name         TEXT NOT NULL,
        login        TEXT NOT NULL,
        repositories TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        last_used_at TEXT,
        revoked_at   TEXT
      );

      CREATE TABLE audit (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        at          TEXT NOT NULL,
        actor       TEXT NOT NULL,
        source      TEXT NOT NULL,
        action      TEXT NOT NULL,
        repository  TEXT NOT NULL,
        environment TEXT,
        outcome     TEXT NOT NULL,
        detail      TEXT
      );
      CREATE INDEX audit_by_repository ON audit (repository, id);
      -- The control plane's run list: newest first, within a repository.
      CREATE INDEX runs_by_repository ON runs (repository, id);
    `,
  },
  {
    version: 10,
    description: "the repository's default ttl counts from the first apply that gave it",
    sql: `
      ALTER TABLE environments ADD COLUMN default_ttl_since TEXT;
    `,
  },
  {
    version: 11,
    description: "notifications: one delivery per event and target, retried and parked on its own",
    sql: `
      CREATE TABLE event_deliveries (
        seq             INTEGER NOT NULL REFERENCES outbox (seq) ON DELETE CASCADE,
        target          TEXT NOT NULL,
        repository      TEXT NOT NULL,
        environment     TEXT NOT NULL,
        state           TEXT NOT NULL CHECK (state IN ('waiting', 'delivered', 'parked')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error      TEXT,
        delivered_at    TEXT,
        PRIMARY KEY (seq, target)
      );
      -- The head of each (target, environment) line: its oldest waiting delivery.
      CREATE INDEX event_deliveries_waiting ON event_deliveries (target, repository, environment, seq) WHERE state = 'waiting';
    `,
  },
  {
    version: 12,
    description: "inventory: each environment's resources as its state held them after the last apply",
    sql: `
      CREATE TABLE inventory (
        repository  TEXT NOT NULL,
        environment TEXT NOT NULL,
        address     TEXT NOT NULL,
        type        TEXT NOT NULL,
        provider    TEXT NOT NULL,
        module      TEXT,
        cloud_id    TEXT,
        arn         TEXT,
        depends_on  TEXT NOT NULL,
        attributes  TEXT NOT NULL,
        PRIMARY KEY (repository, environment, address)
      ) WITHOUT ROWID;
      CREATE INDEX inventory_by_arn ON inventory (arn) WHERE arn IS NOT NULL;
      CREATE INDEX inventory_by_cloud_id ON inventory (cloud_id) WHERE cloud_id IS NOT NULL;
      CREATE INDEX inventory_by_type ON inventory (type);
    `,
  },
  {
    version: 13,
    description: "orphan_sweeps: what each repository's latest orphan sweep found",
    sql: `
      CREATE TABLE orphan_sweeps (
        repository TEXT PRIMARY KEY,
        swept_at   TEXT NOT NULL,
        region     TEXT NOT NULL,
        orphans    TEXT NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 14,
    description: "notification_threads: the chat thread each target keeps per environment",
    sql: `
      CREATE TABLE notification_threads (
        target      TEXT NOT NULL,
        repository  TEXT NOT NULL,
        environment TEXT NOT NULL,
        thread      TEXT NOT NULL,
        PRIMARY KEY (target, repository, environment)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 15,
    description: "sessions: signed-in sessions, ended on the server; server_secrets: secrets envbot generated and keeps",
    sql: `
      CREATE TABLE sessions (
        id         TEXT PRIMARY KEY,
        login      TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        ended_at   TEXT
      ) WITHOUT ROWID;
      CREATE INDEX sessions_by_login ON sessions (login) WHERE ended_at IS NULL;
      CREATE INDEX sessions_by_expiry ON sessions (expires_at);
      CREATE TABLE server_secrets (
        name       TEXT PRIMARY KEY,
        value      TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 16,
    description: "certificates: the certificate envbot issued per environment and declared name (with its private key, read only to hand Terraform)",
    sql: `
      CREATE TABLE certificates (
        repository      TEXT NOT NULL,
        environment     TEXT NOT NULL,
        name            TEXT NOT NULL,
        serial          TEXT NOT NULL,
        common_name     TEXT NOT NULL,
        dns_names       TEXT NOT NULL,
        not_before      TEXT NOT NULL,
        not_after       TEXT NOT NULL,
        issuer          TEXT NOT NULL,
        issued_at       TEXT NOT NULL,
        certificate_pem TEXT NOT NULL,
        private_key_pem TEXT NOT NULL,
        PRIMARY KEY (repository, environment, name)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 17,
    description: "the environments list filters in SQL (owner, template, expiry): indexes for them",
    sql: `
      CREATE INDEX environments_by_owner ON environments (lower(ltrim(owner, '@')));
      CREATE INDEX environments_by_template ON environments (template);
      CREATE INDEX environments_by_expiry ON environments (expires_at) WHERE expires_at IS NOT NULL;
    `,
  },
  {
    version: 18,
    description: "inventory_values: every scalar attribute value of each recorded resource, so a search by value reads an index, not every resource",
    sql: `
      CREATE TABLE inventory_values (
        value       TEXT NOT NULL,
        repository  TEXT NOT NULL,
        environment TEXT NOT NULL,
        address     TEXT NOT NULL,
        PRIMARY KEY (value, repository, environment, address)
      ) WITHOUT ROWID;
      CREATE INDEX inventory_values_by_environment ON inventory_values (repository, environment);
      CREATE INDEX inventory_by_address ON inventory (address);
      INSERT OR IGNORE INTO inventory_values (value, repository, environment, address)
        SELECT CASE t.type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE CAST(t.atom AS TEXT) END, i.repository, i.environment, i.address
        FROM inventory i, json_tree(i.attributes) t
        WHERE t.type IN ('text', 'integer', 'real', 'true', 'false') AND length(CAST(t.atom AS TEXT)) <= 256;
    `,
  },
  {
    version: 19,
    description: "hibernation: when an environment went to sleep, and until when it was woken on request",
    sql: `
      ALTER TABLE environments ADD COLUMN hibernated_at TEXT;
      ALTER TABLE environments ADD COLUMN awake_until TEXT;
    `,
  },
  {
    version: 20,
    description: "sensitive_values: each environment's sensitive outputs (for those that take them) and the sensitive inputs its last apply took",
    sql: `
      CREATE TABLE sensitive_values (
        repository  TEXT NOT NULL,
        environment TEXT NOT NULL,
        kind        TEXT NOT NULL,
        name        TEXT NOT NULL,
        value       TEXT NOT NULL,
        changed_at  TEXT NOT NULL,
        PRIMARY KEY (repository, environment, kind, name)
      ) WITHOUT ROWID;
    `,
  },
];
