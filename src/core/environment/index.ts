export * from "./duration.js";
export * from "./environment.js";
