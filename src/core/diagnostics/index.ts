export * from "./diagnostic.js";
