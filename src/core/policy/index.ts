export * from "./action-rules.js";
export * from "./people.js";
