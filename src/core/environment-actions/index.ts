export * from "./environment-action-deps.js";
export * from "./extend-environment.js";
export * from "./propose-destroy.js";
export * from "./request-environment.js";
export * from "./unlock-environment.js";
export * from "./plan-environment-now.js";
export * from "./list-templates.js";
export * from "./bus-command.js";
