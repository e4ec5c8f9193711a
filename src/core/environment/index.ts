export * from "./environment.js";
