export * from "./environment-hours.js";
export * from "./monthly-report.js";
export * from "./costed-environments.js";
