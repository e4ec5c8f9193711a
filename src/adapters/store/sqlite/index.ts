export * from "./sqlite-store.js";
export * from "./apply-migrations.js";
export * from "./migrations.js";
