export * from "./load-applied-environments.js";
export * from "./plan-expiry-actions.js";
export * from "./reconcile-types.js";
export * from "./run-drift-sweep.js";
export * from "./run-expiry-sweep.js";
export * from "./run-orphan-sweep.js";
export * from "./hibernate-environment.js";
