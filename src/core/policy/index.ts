export * from "./action-rules.js";
export * from "./people.js";
export * from "./pull-request-policy.js";
export * from "./cost-cap.js";
