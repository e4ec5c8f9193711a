/**
 * A variable that takes another environment's output (issue 31): written in a definition as
 * `variables: { db_url: { fromEnvironment: shared-db, output: url } }`. An object of exactly
 * these two keys, both strings, is a reference; any other value is the variable's own.
 */
export interface OutputReference {
  fromEnvironment: string;
  output: string;
}

export function isOutputReference(value: unknown): value is OutputReference {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  const record = value as Record<string, unknown>;
  return keys.length === 2 && typeof record.fromEnvironment === "string" && typeof record.output === "string";
}

/** A definition's variables split: its own values, and those taken from other environments' outputs. */
export function splitVariables(variables: Readonly<Record<string, unknown>>): { own: Record<string, unknown>; inputs: Record<string, OutputReference> } {
  const own: Record<string, unknown> = {};
  const inputs: Record<string, OutputReference> = {};
  for (const [name, value] of Object.entries(variables)) {
    if (isOutputReference(value)) inputs[name] = { fromEnvironment: value.fromEnvironment, output: value.output };
    else own[name] = value;
  }
  return { own, inputs };
}

/**
 * The root module's variable that carries `variable`'s value when it comes from a sensitive
 * output: JSON in a TF_VAR_, decoded into the template's variable, never written in a file.
 */
export function sensitiveInputVariable(variable: string): string {
  return `envbot_input_${variable}`;
}
