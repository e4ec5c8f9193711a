import { repositoryStorageKey } from "./repository-storage-key.js";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import path from "node:path";
import {
  App,
  Fn,
  LocalBackend,
  TerraformBackend,
  TerraformHclModule,
  TerraformOutput,
  TerraformProvider,
  TerraformStack,
  TerraformVariable,
  type TerraformRemoteState,
} from "cdktf";
import type { Construct } from "constructs";
import type { RootModuleRequest } from "../../core/ports/index.js";
import { MODULE_NAME, TAGS_VARIABLE } from "./root-module-names.js";
import { certificateVariables } from "../../core/certificates/certificate-declaration.js";
import { sensitiveInputVariable } from "../../core/environment/index.js";

/** Server-side provider settings: never from a pull request. */
export interface AwsProviderSettings {
  region: string;
  /** An AWS API emulator (moto, LocalStack): every service at one endpoint, no real account. */
  endpoint?: string;
}

export interface SynthesisInput {
  request: RootModuleRequest;
  /** Absolute path of the local backend's state file (backend "local"). */
  localStatePath: string;
  aws: AwsProviderSettings;
  /** Whether the template module declares `variable "envbot_tags"` (TAGS_VARIABLE), to receive the tags. */
  moduleTakesTags: boolean;
  /** Folder name of the template copy beside the root module. */
  moduleDir: string;
}


/** Services the emulator endpoint is used for; enough for the bundled templates and the backend. */
const EMULATED_SERVICES = ["s3", "sts", "sqs", "dynamodb", "iam"] as const;

/**
 * The root module around a template, as cdk.tf.json text: backend, provider configuration, the
 * module call with the merged variables and secret variables, the standard tags (a variable), the outputs.
 */
export async function synthesizeRootModule(input: SynthesisInput): Promise<string> {
  const { request } = input;
  const outdir = await mkdtemp(path.join(path.dirname(input.localStatePath), ".synth-"));
  try {
    const app = new App({ outdir, skipValidation: true });
    const stack = new TerraformStack(app, request.environment.name);
    configureBackend(stack, input);

    const tags = new TerraformVariable(stack, TAGS_VARIABLE, { type: "map(string)", description: "envbot's standard tags" }).value;
    const template = request.environment.template;
    if (template.providers.includes("aws")) new AwsProvider(stack, awsProviderConfig(input.aws, tags));

    const secretVariables = Object.fromEntries(
      Object.keys(template.secrets).map((name) => [name, new TerraformVariable(stack, name, { type: "string", sensitive: true }).value]),
    );
    // Each certificate as two variables, its key sensitive; their values come as TF_VAR_ like secrets.
    for (const variables of Object.keys(template.certificates ?? {}).map(certificateVariables)) {
      secretVariables[variables.certificate] = new TerraformVariable(stack, variables.certificate, { type: "string" }).value;
      secretVariables[variables.privateKey] = new TerraformVariable(stack, variables.privateKey, { type: "string", sensitive: true }).value;
    }
    // A sensitive output of another environment: JSON in a sensitive variable, decoded for the template.
    for (const variable of request.sensitiveInputs ?? []) {
      secretVariables[variable] = Fn.jsondecode(new TerraformVariable(stack, sensitiveInputVariable(variable), { type: "string", sensitive: true }).value);
    }
    const module = new TerraformHclModule(stack, MODULE_NAME, {
      source: `./${input.moduleDir}`,
      skipAssetCreationFromLocalModules: true,
      variables: {
        ...request.variables,
        ...secretVariables,
        ...(input.moduleTakesTags ? { [TAGS_VARIABLE]: tags } : {}),
      },
    });
    for (const [name, declared] of Object.entries(template.outputs)) {
      new TerraformOutput(stack, name, { value: module.get(name), sensitive: declared.sensitive ?? false });
    }
    app.synth();
    return await readFile(path.join(outdir, "stacks", request.environment.name, "cdk.tf.json"), "utf8");
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}

function configureBackend(stack: TerraformStack, input: SynthesisInput): void {
  const { state, repository, environment } = input.request;
  switch (state.backend) {
    case "local":
      new LocalBackend(stack, { path: input.localStatePath });
      return;
    case "s3": {
      const s3 = state.s3!;
      // Written as is: cdktf 0.21's S3Backend lacks use_lockfile and the endpoints block of
      // Terraform >= 1.6.
      new RawBackend(stack, "s3", {
        bucket: s3.bucket,
        key: `${s3.keyPrefix ?? "envbot/"}${repositoryStorageKey(repository)}/${environment.name}.tfstate`,
        region: s3.region ?? input.aws.region,
        use_lockfile: true,
        ...(input.aws.endpoint ? emulatorBackendSettings(input.aws.endpoint) : {}),
      });
      return;
    }
    case "pg":
      // The connection string comes from the server's PG_CONN_STR, never from a file.
      new RawBackend(stack, "pg", { schema_name: pgSchemaName(state.pg?.schemaPrefix ?? "envbot", repository, environment.name) });
      return;
  }
}

function awsProviderConfig(aws: AwsProviderSettings, tags: unknown): Record<string, unknown> {
  return {
    region: aws.region,
    default_tags: [{ tags }],
    ...(aws.endpoint
      ? {
          skip_credentials_validation: true,
          skip_requesting_account_id: true,
          skip_metadata_api_check: true,
          s3_use_path_style: true,
          // An emulator on the same machine answers at once or is down: retrying only delays the error.
          max_retries: 1,
          endpoints: [Object.fromEntries(EMULATED_SERVICES.map((service) => [service, aws.endpoint]))],
        }
      : {}),
  };
}

function emulatorBackendSettings(endpoint: string): Record<string, unknown> {
  return {
    endpoints: { s3: endpoint, sts: endpoint, dynamodb: endpoint },
    use_path_style: true,
    skip_credentials_validation: true,
    skip_requesting_account_id: true,
    skip_metadata_api_check: true,
    skip_region_validation: true,
  };
}

/**
 * One PostgreSQL schema per environment: readable, and unique through a hash of the exact names
 * (folding to [a-z0-9_] alone would let "acme/x-y" and "acme/x_y" share a state; PostgreSQL also
 * cuts names at 63 bytes).
 */
export function pgSchemaName(prefix: string, repository: string, environment: string): string {
  const readable = `${prefix}_${repositoryStorageKey(repository)}_${environment}`.toLowerCase().replace(/[^a-z0-9_]/g, "_").slice(0, 50);
  const hash = createHash("sha256").update(`${repository}\n${environment}`).digest("hex").slice(0, 8);
  return `${readable}_${hash}`;
}

/** The aws provider without generated bindings: its configuration is passed through as is. */
class AwsProvider extends TerraformProvider {
  constructor(
    scope: Construct,
    private readonly config: Record<string, unknown>,
  ) {
    super(scope, "aws", {
      terraformResourceType: "aws",
      terraformGeneratorMetadata: { providerName: "aws", providerVersionConstraint: ">= 5.0" },
      terraformProviderSource: "hashicorp/aws",
    });
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return this.config;
  }
}

/** A backend block written exactly as given (cdktf otherwise adds a default local backend). */
class RawBackend extends TerraformBackend {
  constructor(
    scope: Construct,
    name: string,
    private readonly config: Record<string, unknown>,
  ) {
    super(scope, "backend", name);
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return this.config;
  }

  getRemoteStateDataSource(): TerraformRemoteState {
    throw new Error("envbot stacks do not read each other's state");
  }
}
