import type { Diagnostic } from "../diagnostics/index.js";
import type { RepoFile } from "../ports/index.js";
import { builtinCheckers } from "./builtin-checkers.js";
import { checkYamlFile } from "./check-yaml-file.js";
import { describeValue } from "./describe-value.js";
import { schemaChecker } from "./schema-checker.js";
import { compileSchemas, type SchemaCompiler } from "./schema-compiler.js";
import { formatPath } from "../yaml/index.js";
import { templateFile, type Template } from "../template/template.js";
import { certificateDeclarations, certificateVariables } from "../certificates/certificate-declaration.js";
import { fillNameTemplate, isDnsName, referencedVariables } from "../certificates/certificate-names.js";
import { freezeData, RecentFileChecks } from "./recent-file-checks.js";

export type ValidatedTemplate = { ok: true; template: Template } | { ok: false; diagnostics: Diagnostic[] };

/** Templates checked with the process's own compiler, each once per content. */
const recent = new RecentFileChecks<Promise<ValidatedTemplate>>(256);

/** templates/<name>/template.yaml -> a Template, checking its variable schema and defaults too. */
export async function validateTemplateFile(name: string, content: RepoFile, compile: SchemaCompiler = compileSchemas): Promise<ValidatedTemplate> {
  // Another compiler (a test's, the API's own) is the caller's: not shared.
  if (compile !== compileSchemas) return checkTemplateFile(name, content, compile);
  return recent.get([name], content, () =>
    checkTemplateFile(name, content, compile).then(freezeData, (error: unknown) => {
      recent.forget([name], content);
      throw error;
    }),
  );
}

async function checkTemplateFile(name: string, content: RepoFile, compile: SchemaCompiler): Promise<ValidatedTemplate> {
  const file = templateFile(name);
  const checked = checkYamlFile({ file, content, expected: "a template definition (kind: Template)", checker: builtinCheckers().template });
  if (!checked.ok) return checked;
  const { value: definition, locator } = checked;
  const diagnostics: Diagnostic[] = [];
  const report = (path: (string | number)[], message: string, part: "key" | "value" = "value") =>
    diagnostics.push({ file, ...locator.locate(path, part), path: formatPath(path), message });

  if (definition.name !== name) {
    report(["name"], `${describeValue(definition.name)} must equal the template's folder name '${name}'`);
  }

  const variableSchema = definition.variables ?? { type: "object" as const, properties: {} };
  const properties = variableSchema.properties as Record<string, Record<string, unknown>>;
  const required = variableSchema.required ?? [];
  for (const [index, variable] of required.entries()) {
    if (!(variable in properties)) report(["variables", "required", index], `'${variable}' is required but not declared under variables.properties`);
  }
  for (const secret of Object.keys(definition.secrets ?? {})) {
    if (secret in properties) report(["secrets", secret], `'${secret}' is declared both as a variable and as a secret`, "key");
  }
  // The values it sleeps with are variables of its own, each checked against its schema below.
  const sleepValues = Object.entries(definition.sleep?.variables ?? {});
  for (const [variable] of sleepValues) {
    if (!(variable in properties)) report(["sleep", "variables", variable], `the template takes no variable named '${variable}'; it takes: ${Object.keys(properties).join(", ") || "none"}`, "key");
  }

  for (const [certificate, declared] of Object.entries(definition.certificates ?? {})) {
    for (const variable of Object.values(certificateVariables(certificate))) {
      if (variable in properties || variable in (definition.secrets ?? {})) report(["certificates", certificate], `certificate '${certificate}' gives the module the variable '${variable}', which is also declared as a variable or secret`, "key");
    }
    const names: [(string | number)[], string][] = [[["commonName"], declared.commonName], ...(declared.subjectAlternativeNames ?? []).map((n, i): [(string | number)[], string] => [["subjectAlternativeNames", i], n])];
    for (const [where, nameTemplate] of names) {
      const path = ["certificates", certificate, ...where];
      const unknown = referencedVariables(nameTemplate).filter((variable) => !(variable in properties));
      if (unknown.length > 0) report(path, `{variables.${unknown[0]}} names no variable of this template`);
      // A name without placeholders is the same for every environment: wrong for all of them.
      else if (!nameTemplate.includes("{") && !isDnsName(fillNameTemplate(nameTemplate, { name: "", variables: {} })!)) report(path, `'${nameTemplate}' is not a DNS name`);
    }
  }

  // The template's own JSON Schema is compiled strictly, so a misspelt keyword is an error here
  // instead of a rule that silently never applies. Unknown variables are always rejected.
  const withDefaults = Object.entries(properties).filter(([, schema]) => "default" in schema);
  let compiled;
  try {
    compiled = await compile({
      variables: { ...variableSchema, additionalProperties: false },
      ...Object.fromEntries(withDefaults.map(([variable, schema]) => [`default:${variable}`, schema])),
      ...Object.fromEntries(sleepValues.filter(([variable]) => variable in properties).map(([variable]) => [`sleep:${variable}`, properties[variable]!])),
    });
  } catch (error) {
    const message = (error as Error).message;
    const keyword = /unknown keyword: "([^"]+)"/.exec(message)?.[1];
    const where = keyword === undefined ? undefined : findKey(variableSchema, keyword);
    report(where ? ["variables", ...where] : ["variables"], keyword ? `'${keyword}' is not a JSON Schema keyword` : `the variable schema does not compile: ${message}`, where ? "key" : "value");
    return { ok: false, diagnostics };
  }

  const checker = schemaChecker<Record<string, unknown>>(compiled.variables!);
  const defaults: Record<string, unknown> = {};
  for (const [variable, schema] of withDefaults) {
    defaults[variable] = schema.default;
    if (!compiled[`default:${variable}`]!(schema.default)) {
      report(["variables", "properties", variable, "default"], `the default ${describeValue(schema.default)} does not satisfy the variable's own schema`);
    }
  }

  for (const [variable, value] of sleepValues) {
    const check = compiled[`sleep:${variable}`];
    if (check && !check(value)) report(["sleep", "variables", variable], `${describeValue(value)} does not satisfy the variable's schema`);
  }

  if (diagnostics.length > 0) return { ok: false, diagnostics };
  const secrets = Object.fromEntries(
    Object.entries(definition.secrets ?? {}).map(([secret, declared]) => [secret, { description: declared.description, required: declared.required ?? true }]),
  );
  return {
    ok: true,
    template: {
      name,
      file,
      directory: file.slice(0, -"/template.yaml".length),
      description: definition.description,
      providers: definition.providers ?? [],
      variables: { names: Object.keys(properties), required, defaults, checker, schema: variableSchema as unknown as Record<string, unknown> },
      secrets,
      outputs: definition.outputs ?? {},
      ...(definition.certificates && { certificates: certificateDeclarations(definition.certificates) }),
      ...(definition.cost && { hourlyCost: definition.cost.hourly }),
      ...(definition.sleep && { sleep: { variables: definition.sleep.variables } }),
      ...(definition.credentials?.aws && { credentials: { aws: definition.credentials.aws } }),
    },
  };
}

/** Path to the first key named `key` anywhere in `value`, depth first. */
function findKey(value: unknown, key: string): string[] | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  for (const [k, child] of Object.entries(value)) {
    if (k === key) return [k];
    const below = findKey(child, key);
    if (below) return [k, ...below];
  }
  return undefined;
}
