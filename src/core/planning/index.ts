export * from "./plan-summary.js";
export * from "./hourly-price.js";
export * from "./tag-bookkeeping.js";
