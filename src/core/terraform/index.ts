export * from "./terraform-errors.js";
