import { Ajv2020, type Options } from "ajv/dist/2020.js";
import addFormatsPlugin from "ajv-formats";
import { MESSAGE_KEYWORD, POSITION_KEYWORD } from "./schema-keywords.js";

// ajv-formats is CommonJS: under NodeNext its default import is the plugin at run time, while its
// types describe the module object.
const addFormats = addFormatsPlugin as unknown as typeof addFormatsPlugin.default;

/**
 * One configured ajv: JSON Schema 2020-12, every error collected (a user fixes a file in one go),
 * `verbose` so each error carries the schema it failed (where our messages live), strict so a typo
 * in a schema is a compile error rather than a rule silently ignored.
 * (strictRequired is off: `not: {required: [...]}` is how "either ttl or expiresAt" is said.)
 */
export function createAjv(options: Options = {}): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictRequired: false, ...options });
  addFormats(ajv, ["date-time", "date", "time", "uri", "email", "hostname", "ipv4", "ipv6", "uuid"]);
  ajv.addVocabulary([MESSAGE_KEYWORD, POSITION_KEYWORD]);
  return ajv;
}
