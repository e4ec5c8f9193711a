export * from "./inventory-resource.js";
