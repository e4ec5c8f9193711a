export * from "./plan-summary.js";
export * from "./hourly-price.js";
