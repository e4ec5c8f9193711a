export * from "./connection-errors.js";
export * from "./postgres-database.js";
export * from "./postgres-migrations.js";
export * from "./postgres-store.js";
