export * from "./plan-summary.js";
