export * from "./environment.js";
export * from "./output-reference.js";
export * from "./dependency-order.js";
