export * from "./definition-files.js";
export * from "./unreadable-file.js";
export * from "./recorded-repository.js";
