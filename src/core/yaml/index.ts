export * from "./format-path.js";
export * from "./locate-node.js";
export * from "./parse-yaml-file.js";
export { useYamlValueCache, type YamlValueCache } from "./yaml-value-cache.js";
