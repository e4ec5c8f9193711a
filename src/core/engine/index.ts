export * from "./apply-plan.js";
export * from "./engine-deps.js";
export * from "./environment-lease.js";
export * from "./operation-result.js";
export * from "./plan-environment.js";
export * from "./standard-tags.js";
export * from "./recover-interrupted-runs.js";
export * from "./unrecorded-store.js";
