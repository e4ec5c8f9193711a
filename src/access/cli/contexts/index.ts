export * from "./context-fields.js";
export * from "./contexts-file-path.js";
export * from "./read-contexts.js";
export * from "./select-context.js";
export * from "./write-contexts.js";
