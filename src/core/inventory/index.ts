export * from "./inventory-resource.js";
export * from "./find-orphans.js";
