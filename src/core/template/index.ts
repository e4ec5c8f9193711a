export * from "./template.js";
export * from "./validate-template-file.js";
