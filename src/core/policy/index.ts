export * from "./action-rules.js";
export * from "./people.js";
export * from "./pull-request-policy.js";
