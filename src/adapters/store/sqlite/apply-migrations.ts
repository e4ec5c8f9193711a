import type Database from "better-sqlite3";
import type { Migration } from "./migrations.js";

/** The database was migrated by a later envbot: running on it could corrupt or misread it. */
export class SchemaTooNewError extends Error {
  constructor(
    readonly file: string,
    readonly databaseVersion: number,
    readonly knownVersion: number,
  ) {
    super(`the database ${file} was written by a newer envbot (schema version ${databaseVersion}); this envbot knows up to ${knownVersion}`);
    this.name = "SchemaTooNewError";
  }
}

/**
 * Brings the database up to the last of `migrations`, each pending one in its own transaction
 * together with its schema_migrations row, so a failed step leaves the previous version intact.
 * The transactions are IMMEDIATE (write lock first) and re-read the version, so two processes
 * opening the same new file cannot both run a step.
 */
export function applyMigrations(db: Database.Database, migrations: readonly Migration[], file: string): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS schema_migrations (
      version     INTEGER PRIMARY KEY,
      description TEXT NOT NULL,
      applied_at  TEXT NOT NULL
    )
  `);
  const currentVersion = db.prepare("SELECT coalesce(max(version), 0) AS version FROM schema_migrations");
  const record = db.prepare("INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)");
  const readVersion = () => (currentVersion.get() as { version: number }).version;

  const knownVersion = migrations.at(-1)?.version ?? 0;
  const found = readVersion();
  if (found > knownVersion) throw new SchemaTooNewError(file, found, knownVersion);
  // Up to date, as at nearly every start: no write transaction per migration to find that out.
  if (found === knownVersion) return;

  for (const migration of migrations) {
    db.transaction(() => {
      if (readVersion() >= migration.version) return;
      db.exec(migration.sql);
      record.run(migration.version, migration.description, new Date().toISOString());
    }).immediate();
  }
}
