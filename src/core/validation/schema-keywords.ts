/**
 * Annotations our schemas carry for messages: see schemas/README.md. Apart from create-ajv so the
 * messages' code (schema-checker) does not load ajv's compiler: a process with only generated
 * validators never needs it.
 */
export const MESSAGE_KEYWORD = "x-envbot-message";
export const POSITION_KEYWORD = "x-envbot-at";
