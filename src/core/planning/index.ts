export * from "./plan-summary.js";
export * from "./summarize-plan-json.js";
export * from "./summarize-plan-stream.js";
