export * from "./definition-files.js";
export * from "./duration.js";
export * from "./environment.js";
export * from "./unreadable-file.js";
export * from "./recorded-repository.js";
