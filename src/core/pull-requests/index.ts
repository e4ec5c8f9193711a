export * from "./apply-merged-pull-request.js";
export * from "./environment-changes.js";
export * from "./plan-pull-request.js";
export * from "./pull-request-deps.js";
export * from "./comment-command.js";
export * from "./check-pull-request-policy.js";
