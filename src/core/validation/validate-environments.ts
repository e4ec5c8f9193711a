import { CONFIG_PATH, type ResolvedConfig } from "../config/repository-config.js";
import { compareDiagnostics, type Diagnostic } from "../diagnostics/index.js";
import { baseName, NAME_PATTERN, type Environment, type Lifetime } from "../environment/index.js";
import { explainUnreadable, findDefinitionFiles, listDefinitionFiles } from "../repository/index.js";
import { isOutputReference, splitVariables } from "../environment/output-reference.js";
import { checkDependencies, type DependentDocument } from "./check-dependencies.js";
import { parseYamlFile } from "../yaml/index.js";
import { isDuration, parseDuration } from "../duration/duration.js";
import { environmentSchema, type EnvironmentDefinition, type SecretReference } from "../../generated/schemas.js";
import { SECRET_SOURCE_FIELDS, SECRET_SOURCE_NOUNS, secretLocation } from "../secrets/secret-location.js";
import type { RepoFile, RepoFiles, SecretProvider } from "../ports/index.js";
import { templateFile, TEMPLATES_DIR, type Template } from "../template/index.js";
import { validateTemplateFile, type ValidatedTemplate } from "./validate-template-file.js";
import { formatPath, MAX_YAML_FILE_BYTES, type PathSegment, type YamlLocator } from "../yaml/index.js";
import { builtinCheckers } from "./builtin-checkers.js";
import { checkCertificateNames } from "./check-certificate-names.js";
import { checkDuplicateDefinitions } from "./check-duplicate-definitions.js";
import { checkYamlFile } from "./check-yaml-file.js";
import { readRepositoryConfig } from "./read-repository-config.js";
import type { SchemaCompiler } from "./schema-compiler.js";
import { describeValue } from "./describe-value.js";
import { resolveHibernation, type HibernationSpec } from "../hibernation/resolve-hibernation.js";
import type { AwakeSchedule } from "../hibernation/awake-schedule.js";
import { fullFormats } from "ajv-formats/dist/formats.js";
import { stringAt, valueAt } from "../json/value-at.js";

export type { DefinitionDocument } from "./definition-document.js";
import type { DefinitionDocument } from "./definition-document.js";

export interface ValidateEnvironmentsInput {
  /** Where templates (and, without `documents`, the definitions) are read. */
  repo: RepoFiles;
  /** Where .github/envbot.yml is read: the default branch, never a pull request. Default: repo. */
  policy?: RepoFiles;
  /** The definitions to check; by default every definition file of the repository (environments/*.yaml, *.yml). */
  documents?: DefinitionDocument[];
  /**
   * The revision the documents come from: a document whose environment another definition file
   * there also defines is reported at both. Default: `repo` when there are no `documents`.
   */
  definitions?: RepoFiles;
  /** Check every template under templates/, not only those the definitions use. */
  allTemplates?: boolean;
  /** The server's secret provider: a reference it will refuse is reported here, before any plan. */
  secrets?: Pick<SecretProvider, "refusal">;
  /** The repository the definitions belong to, whose allow rules the secret provider applies. */
  repository?: string;
  /** The moment expiresAt is measured against. */
  now: Date;
  /** Compiles templates' variable schemas; default: in this process, every time (compileSchemas). */
  compileSchemas?: SchemaCompiler;
}

export interface ValidationReport {
  /** Every problem found, sorted by file and position. Empty when all is valid. */
  diagnostics: Diagnostic[];
  /** The definitions that passed every check. */
  environments: Environment[];
  /** How many definition files were checked. */
  checkedFiles: number;
  config: ResolvedConfig;
}

const SECRETS_PATH = ["spec", "secrets"] as const;
const REFERENCE_FIELDS = environmentSchema.$defs.secretReference.properties;

/**
 * metadata.name differs from the file's base name. A base name that cannot be a name
 * ("Bad_Name") is never asked for: the file is to be renamed, to a valid name that reads like it.
 */
function fileNameMismatch(name: string, file: string): string {
  const base = baseName(file);
  const mismatch = `${describeValue(name)} must equal the file's base name`;
  if (NAME_PATTERN.test(base)) return `${mismatch} '${base}'`;
  const extension = file.slice(file.lastIndexOf(base) + base.length);
  const like = validNameLike(base);
  const rename = like === undefined || like === name ? `rename the file to ${name}${extension}` : `rename the file to ${like}${extension} (and the name to '${like}'), or to ${name}${extension}`;
  return `${mismatch}, and '${base}' is not a valid name: ${rename}`;
}

/** "Bad_Name" -> "bad-name": lower case, anything else between letters and digits a hyphen; undefined when even that is no name. */
function validNameLike(text: string): string | undefined {
  const like = text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^[^a-z]+/, "").slice(0, 40).replace(/-+$/, "");
  return NAME_PATTERN.test(like) ? like : undefined;
}

/**
 * Validates environment definitions against the schemas, their templates and the repository
 * policy. Reports every problem of every file; never throws on bad input.
 */
export async function validateEnvironments(input: ValidateEnvironmentsInput): Promise<ValidationReport> {
  const { repo, now } = input;
  const diagnostics: Diagnostic[] = [];
  const config = await loadConfig(input.policy ?? repo, diagnostics);
  const templates = templateLoader(repo, diagnostics, input.compileSchemas);
  const documents = input.documents ?? (await listDefinitions(repo, diagnostics));
  const duplicates = await checkDuplicateDefinitions({ documents, definitions: input.definitions ?? (input.documents ? undefined : repo) });
  diagnostics.push(...duplicates.diagnostics);

  const environments: Environment[] = [];
  const names = new Map<string, string>();
  // Dependencies between environments are checked once every document is read.
  const dependents: (DependentDocument & { file: string })[] = [];
  for (const document of documents) {
    const { file } = document;
    const checked = checkYamlFile({
      file,
      content: document.content,
      expected: "an environment definition (apiVersion: envbot.dev/v1, kind: Environment)",
      checker: builtinCheckers().environment,
      hiddenPaths: [SECRETS_PATH],
    });
    if (!checked.ok) diagnostics.push(...checked.diagnostics);
    const parsed = checked.ok ? checked : checked.parsed;
    if (!parsed) continue;

    // Cross-file rules run on whatever parts are well-formed, so one pass reports everything.
    const { value, locator } = parsed;
    const fileProblems: Diagnostic[] = [];
    const report = (path: PathSegment[], message: string, part: "key" | "value" = "value") =>
      fileProblems.push({ file, ...locator.locate(path, part), path: formatPath(path), message });

    const name = stringAt(value, ["metadata", "name"]);
    if (name !== undefined && NAME_PATTERN.test(name)) {
      const expected = baseName(file);
      if (name !== expected) report(["metadata", "name"], fileNameMismatch(name, file));
      const other = names.get(name);
      // Two files of one environment are reported once, at both, by checkDuplicateDefinitions.
      if (duplicates.duplicated.has(file)) names.set(name, file);
      else if (other !== undefined) report(["metadata", "name"], `${describeValue(name)} is already the name of ${other}; names are unique in a repository`);
      else names.set(name, file);
    }

    let template: Template | undefined;
    const templateName = stringAt(value, ["spec", "template"]);
    if (templateName !== undefined && NAME_PATTERN.test(templateName)) {
      const loaded = await templates.load(templateName);
      if (loaded === "missing") {
        const available = await templates.available();
        report(
          ["spec", "template"],
          `there is no template ${describeValue(templateName)} (no ${templateFile(templateName)})` +
            (available.length > 0 ? `; available: ${available.join(", ")}` : ""),
        );
      } else if (!loaded.ok) {
        report(["spec", "template"], `template ${describeValue(templateName)} is invalid; fix ${templateFile(templateName)} first`);
      } else {
        template = loaded.template;
        checkAgainstTemplate(value, template, locator, file, fileProblems, report);
      }
    }

    checkLifetimeLimits(value, config, now, report);
    // Only a spec.hibernation of the right shape: the schema reported any other.
    const ownHibernation = valueAt(value, ["spec", "hibernation"]);
    const hibernationShaped = checked.ok || !checked.diagnostics.some((d) => d.path.startsWith("spec.hibernation"));
    const hibernation = resolveHibernation({
      own: hibernationShaped && isPlainObject(ownHibernation) ? (ownHibernation as HibernationSpec) : undefined,
      repositoryDefault: config.hibernation.default,
      protected: valueAt(value, ["spec", "protected"]) === true,
    });
    for (const problem of hibernation.problems) report(problem.path, problem.message);
    if (input.secrets) checkSecretReferences(value, input.secrets, input.repository, report);

    if (name !== undefined && NAME_PATTERN.test(name)) {
      dependents.push({ name, file, value, report: (path, message) => diagnostics.push({ file, ...locator.locate(path, "value"), path: formatPath(path), message }) });
    }

    // A value the schema already rejected gets no second, derived complaint.
    const rejected = new Set(checked.ok ? [] : checked.diagnostics.map((d) => d.path));
    diagnostics.push(...fileProblems.filter((d) => !rejected.has(d.path)));
    if (checked.ok && template && fileProblems.length === 0 && !duplicates.duplicated.has(file)) {
      environments.push(toEnvironment(file, checked.value, template, config, hibernation.schedule));
    }
  }

  const dependencyProblems = diagnostics.length;
  const revision = input.definitions ?? repo;
  await checkDependencies({
    documents: dependents,
    otherDefinition: (name) => readDefinitionValue(revision, name),
    templateOutputs: async (name) => {
      const loaded = NAME_PATTERN.test(name) ? await templates.load(name) : "missing";
      return loaded !== "missing" && loaded.ok ? Object.keys(loaded.template.outputs) : undefined;
    },
    defaultTtl: config.limits.defaultTtl !== undefined,
  });
  const dependencyFiles = new Set(diagnostics.slice(dependencyProblems).map((d) => d.file));

  if (input.allTemplates) {
    for (const name of await templates.available()) await templates.load(name);
  }

  return { diagnostics: diagnostics.sort(compareDiagnostics), environments: environments.filter((e) => !dependencyFiles.has(e.file)), checkedFiles: documents.length, config };
}

function checkAgainstTemplate(
  value: unknown,
  template: Template,
  locator: YamlLocator,
  file: string,
  problems: Diagnostic[],
  report: (path: PathSegment[], message: string, part?: "key" | "value") => void,
): void {
  const written = valueAt(value, ["spec", "variables"]) ?? {};
  const config = valueAt(value, ["spec", "config"]);
  const fromConfig = new Set(isPlainObject(config) ? Object.keys(config) : []);
  // A variable taken from another environment's output has its value at plan time (checked by checkDependencies).
  const fromOutputs = new Set(isPlainObject(written) ? Object.keys(written).filter((name) => isOutputReference(written[name])) : []);
  for (const name of fromOutputs) {
    if (!template.variables.names.includes(name)) report(["spec", "variables", name], `template '${template.name}' takes no variable named '${name}'; it takes: ${template.variables.names.join(", ") || "none"}`, "key");
  }
  const variables = isPlainObject(written) ? splitVariables(written).own : written;
  if (isPlainObject(variables)) {
    const result = template.variables.checker.check(variables, {
      file,
      locator,
      basePath: ["spec", "variables"],
      propertyNoun: `variable of template '${template.name}'`,
    });
    // A required variable spec.config supplies is there at plan time.
    const suppliedByConfig = (d: Diagnostic) => [...fromConfig, ...fromOutputs].some((name) => d.path === formatPath(["spec", "variables", name]) && d.message === "required, but missing");
    if (!result.valid) problems.push(...result.diagnostics.filter((d) => !suppliedByConfig(d)));
  }
  for (const name of fromConfig) {
    if (!template.variables.names.includes(name)) {
      report(["spec", "config", name], `template '${template.name}' takes no variable named '${name}'; it takes: ${template.variables.names.join(", ") || "none"}`, "key");
    } else if (isPlainObject(variables) && name in variables) {
      report(["spec", "config", name], `'${name}' is set under spec.variables too: give it one value, there or here`, "key");
    }
  }

  if (isPlainObject(variables)) checkCertificateNames(template, { name: stringAt(value, ["metadata", "name"]), variables }, report);

  const secrets = valueAt(value, ["spec", "secrets"]) ?? {};
  if (isPlainObject(secrets)) {
    const declared = Object.keys(template.secrets);
    for (const secret of Object.keys(secrets)) {
      if (!(secret in template.secrets)) {
        report(
          ["spec", "secrets", secret],
          `template '${template.name}' takes no secret named '${secret}'` + (declared.length > 0 ? `; it takes: ${declared.join(", ")}` : ""),
          "key",
        );
      }
    }
    for (const [secret, declaration] of Object.entries(template.secrets)) {
      if (declaration.required && !(secret in secrets)) {
        report(["spec", "secrets", secret], `template '${template.name}' requires this secret; add it as { fromEnv: VARIABLE_NAME }`, "key");
      }
    }
  }
}

/** Each reference the server would refuse (source or name not allowed here), at its value; the message never repeats the name. */
function checkSecretReferences(
  value: unknown,
  provider: Pick<SecretProvider, "refusal">,
  repository: string | undefined,
  report: (path: PathSegment[], message: string) => void,
): void {
  // spec.config takes SSM parameters only (the schema reports any other source there).
  for (const section of ["secrets", "config"] as const) {
    const references = valueAt(value, ["spec", section]);
    for (const [key, reference] of Object.entries(isPlainObject(references) ? references : {})) {
      const location = isPlainObject(reference) ? secretLocation(reference as SecretReference) : undefined;
      if (!location || (section === "config" && location.kind !== "ssm")) continue; // the schema reports it
      const field = SECRET_SOURCE_FIELDS[location.kind];
      const schema = REFERENCE_FIELDS[field];
      if (!new RegExp(schema.pattern, "u").test(location.name) || location.name.length > ("maxLength" in schema ? schema.maxLength : Infinity)) continue;
      const refusal = provider.refusal(reference as SecretReference, repository);
      if (refusal) report(["spec", section, key, field], `the envbot server will not read this ${SECRET_SOURCE_NOUNS[location.kind]}: ${refusal}`);
    }
  }
}

function checkLifetimeLimits(
  value: unknown,
  config: ResolvedConfig,
  now: Date,
  report: (path: PathSegment[], message: string) => void,
): void {
  const { maxTtl, maxTtlMs } = config.limits;
  const ttl = stringAt(value, ["spec", "ttl"]);
  if (ttl !== undefined && isDuration(ttl) && parseDuration(ttl) > maxTtlMs) {
    report(["spec", "ttl"], `${describeValue(ttl)} is longer than the maximum ttl of ${maxTtl} set in ${CONFIG_PATH}`);
  }
  const expiresAt = stringAt(value, ["spec", "expiresAt"]);
  const at = expiresAt === undefined ? NaN : Date.parse(expiresAt);
  // RFC 3339 allows a leap second (23:59:60), which names no instant a clock here can reach:
  // an error, never a date nobody can compare (it would skip maxTtl and stop the expiry sweep).
  if (expiresAt !== undefined && Number.isNaN(at) && isRfc3339DateTime(expiresAt)) {
    report(["spec", "expiresAt"], `${describeValue(expiresAt)} is not a real instant: write a time that exists, like ${expiresAt.replace(/:60(?=(\.\d+)?([Zz]|[+-]))/, ":59")}`);
  }
  if (!Number.isNaN(at) && at - now.getTime() > maxTtlMs) {
    report(["spec", "expiresAt"], `${describeValue(expiresAt)} is more than ${maxTtl} from now, the maximum set in ${CONFIG_PATH}`);
  }
}

function toEnvironment(file: string, definition: EnvironmentDefinition, template: Template, config: ResolvedConfig, hibernation: AwakeSchedule | undefined): Environment {
  const { metadata, spec } = definition;
  const { defaultTtl, defaultTtlMs } = config.limits;
  // Only a protected environment stays long-lived without saying so, where the repository gives a default.
  const lifetime: Lifetime = spec.ttl
    ? { kind: "ttl", text: spec.ttl, ms: parseDuration(spec.ttl) }
    : spec.expiresAt
      ? { kind: "expiresAt", at: new Date(spec.expiresAt) }
      : defaultTtl !== undefined && defaultTtlMs !== undefined && !spec.protected
        ? { kind: "ttl", text: defaultTtl, ms: defaultTtlMs, defaulted: true }
        : { kind: "unlimited" };
  return {
    name: metadata.name,
    file,
    owner: metadata.owner,
    description: metadata.description,
    labels: metadata.labels ?? {},
    template,
    lifetime,
    protected: spec.protected ?? false,
    ...(hibernation && { hibernation }),
    ...splitDefinitionVariables(spec.variables),
    secrets: spec.secrets ?? {},
    config: spec.config ?? {},
    definition,
  };
}

function splitDefinitionVariables(variables: Record<string, unknown> | undefined): Pick<Environment, "variables" | "inputs"> {
  const { own, inputs } = splitVariables(variables ?? {});
  return { variables: own, inputs };
}

/** Another environment's definition at the revision, as data; undefined when there is none (or it is not data). */
async function readDefinitionValue(revision: RepoFiles, name: string): Promise<unknown> {
  if (!NAME_PATTERN.test(name)) return undefined;
  const [file] = await findDefinitionFiles(revision, name);
  const content = file === undefined ? undefined : await revision.readFile(file, MAX_YAML_FILE_BYTES);
  if (!file || !content) return undefined;
  const parsed = parseYamlFile({ file, bytes: content.bytes, size: content.size, expected: "an environment definition" });
  return parsed.ok ? parsed.value : undefined;
}

async function loadConfig(repo: RepoFiles, diagnostics: Diagnostic[]): Promise<ResolvedConfig> {
  const read = await readRepositoryConfig(repo);
  diagnostics.push(...read.diagnostics); // checks go on with the defaults; the config's own errors are reported
  return read.config;
}

async function listDefinitions(repo: RepoFiles, diagnostics: Diagnostic[]): Promise<DefinitionDocument[]> {
  const documents: DefinitionDocument[] = [];
  for (const file of [...(await listDefinitionFiles(repo)).values()].flat().sort()) {
    const content = await repo.readFile(file, MAX_YAML_FILE_BYTES);
    // Listed but unreadable (a link out of the repository, a pipe): said, never skipped in silence.
    if (content) documents.push({ file, content });
    else diagnostics.push({ file, line: 1, column: 1, path: "", message: await explainUnreadable(repo, file) });
  }
  return documents;
}

/** Loads each template once per validation run and reports its own problems once. */
function templateLoader(repo: RepoFiles, diagnostics: Diagnostic[], compile: SchemaCompiler | undefined) {
  const cache = new Map<string, Promise<ValidatedTemplate | "missing">>();
  let names: Promise<string[]> | undefined;
  return {
    load(name: string): Promise<ValidatedTemplate | "missing"> {
      let pending = cache.get(name);
      if (!pending) {
        pending = repo.readFile(templateFile(name), MAX_YAML_FILE_BYTES).then(async (content) => {
          if (!content) return "missing" as const;
          const result = await validateTemplateFile(name, content, compile);
          if (!result.ok) diagnostics.push(...result.diagnostics);
          return result;
        });
        cache.set(name, pending);
      }
      return pending;
    },
    available(): Promise<string[]> {
      names ??= repo.listDirectory(TEMPLATES_DIR).then((entries) => (entries ?? []).filter((e) => NAME_PATTERN.test(e)).sort());
      return names;
    },
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** ajv's own check of the schema's date-time format (a leap second passes it, as RFC 3339 allows). */
const dateTimeFormat = fullFormats["date-time"] as { validate: (text: string) => boolean };
function isRfc3339DateTime(text: string): boolean {
  return dateTimeFormat.validate(text);
}
