import { COST_GROUPINGS, MONTH_PATTERN } from "../../core/cost/index.js";
import { DURATION_PATTERN } from "../../core/duration/duration.js";
import { REQUEST_FIELDS } from "../../core/environment-actions/index.js";
import { NAME_PATTERN } from "../../core/environment/index.js";
import { TARGET_PATTERN } from "../../core/notifications/target-name.js";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, REPOSITORY_PART, REPOSITORY_PATTERN } from "./api-request.js";
import { ENVIRONMENT_STATUSES } from "./routes/environment-routes.js";
import { MAX_RESOURCE_QUERY } from "./routes/inventory-routes.js";

/**
 * envbot's REST API, as OpenAPI 3.1 (JSON Schema 2020-12), served at /api/v1/openapi.json. The
 * API tests check every answer against it, so it cannot drift from the code; and every request
 * is validated against its parameters and request bodies (request-validation.ts), so the shapes
 * of requests are said here only. A schema's `description` is also what a 400 tells a caller
 * who broke it (a pattern says little to a person); limits the code needs too are imported.
 */

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
/** A schema that is extended elsewhere (allOf) leaves its properties open; where it is used as is, it is closed here. */
const closed = (name: string) => ({ allOf: [ref(name)], unevaluatedProperties: false });
const nullable = (type: string, extra: object = {}) => ({ type: [type, "null"], ...extra });
const dateTime = { type: "string", format: "date-time", examples: ["2026-12-24T00:00:00Z"] };
const nullableDateTime = { type: ["string", "null"], format: "date-time" };

const json = (schema: object, description: string) => ({ description, content: { "application/json": { schema } } });
const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: ref("Problem") } } });
const errors = {
  "400": problem("A parameter or the body is not valid; `errors` names the field."),
  "401": problem("No valid session cookie or API token."),
  "503": problem("The store or GitHub cannot be reached now; try again."),
};
const notFound = { "404": problem("Not there, or not visible to the caller: the same answer either way.") };
/** A route whose path names a repository: GitHub is asked about a name envbot keeps no records of at most once a minute per login. */
const namedRepository = {
  ...notFound,
  "429": problem("This login had GitHub asked about another repository envbot keeps no records of within the minute; try again after Retry-After seconds."),
};
const bodyErrors = { "413": problem("The body is larger than 64 KiB."), "415": problem("The body is not application/json.") };
const conflict = { "409": problem("The repository is not in a state for this (the environment exists already, or its definition is invalid on the default branch).") };
const forbidden = { "403": problem("The caller may see this but not do it (or an API token asked for what only a signed-in person may).") };

const pathParam = (name: string, description: string, schema: object = { type: "string" }) => ({ name, in: "path", required: true, description, schema });
const queryParam = (name: string, description: string, schema: object = { type: "string" }) => ({ name, in: "query", required: false, description, schema });
const repositoryPart = (what: string) => ({ type: "string", pattern: `^${REPOSITORY_PART}$`, description: `a GitHub repository's ${what}: letters, digits, '_', '.' and '-'`, examples: [what === "owner" ? "octo-org" : "environments"] });
const environmentName = { type: "string", pattern: NAME_PATTERN.source, description: "an environment name: 2 to 40 lowercase letters, digits and '-', starting with a letter", examples: ["sandbox"] };
const repositoryName = { type: "string", pattern: REPOSITORY_PATTERN.source, description: "a GitHub repository (OWNER/NAME)", examples: ["octo-org/environments"] };
const environmentPath = [
  pathParam("owner", "The repository's owner, in any case (answers name the repository as GitHub spells it).", repositoryPart("owner")),
  pathParam("repo", "The repository's name, in any case.", repositoryPart("name")),
  pathParam("name", "The environment's name.", environmentName),
];
const pageLimit = (description: string) => queryParam("limit", description, { type: "integer", minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE });
const paging = [pageLimit(`Page size, 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}).`), queryParam("cursor", "nextCursor of the previous page.")];
const repositoryFilter = (description: string) => queryParam("repository", description, repositoryName);
const environmentFilter = queryParam("environment", "An environment name.", environmentName);
const runId = pathParam("id", "The run's id.", { type: "integer", minimum: 1 });
/**
 * What a request for a new environment may give, one schema per field of REQUEST_FIELDS: their
 * types only. The definition they make is validated as a pull request's would be (the
 * environment schema, the template's variables, the repository's limits), after the caller is
 * known to see the repository.
 */
const requestFields: Record<(typeof REQUEST_FIELDS)[number], object> = {
  name: { type: "string", description: "the new environment's name" },
  template: { type: "string", description: "the template's name" },
  owner: { type: "string", description: "@user or @org/team; default: the requester." },
  description: { type: "string" },
  labels: { type: "object", additionalProperties: { type: "string" } },
  ttl: { type: "string" },
  expiresAt: dateTime,
  variables: { type: "object" },
};

const resourceChange = { type: "object", required: ["address", "action"], properties: { address: { type: "string" }, action: { type: "string", enum: ["create", "update", "delete", "replace", "read", "forget"] } }, additionalProperties: false };

export const openApiDocument = {
  openapi: "3.1.0",
  info: {
    title: "envbot API",
    version: "1",
    description:
      "Environments envbot keeps, their runs and logs, locks and the audit trail. Authenticate with the session cookie of the dashboard's GitHub sign-in " +
      "(a change then needs the X-CSRF-Token header) or with an API token (Authorization: Bearer envbot_...). A caller sees the repositories it can read on GitHub and acts where it can write.",
  },
  servers: [{ url: "/" }],
  security: [{ bearer: [] }, { session: [] }],
  paths: {
    "/api/v1/health": {
      get: { operationId: "health", summary: "Liveness: the process answers.", security: [], responses: { "200": json(ref("Health"), "Alive.") } },
    },
    "/api/v1/health/ready": {
      get: {
        operationId: "ready",
        summary: "Readiness: the store and the job queue can keep work.",
        security: [],
        responses: { "200": json(ref("Readiness"), "Ready."), "503": json(ref("Readiness"), "Not ready; `reason` says why.") },
      },
    },
    "/api/v1/openapi.json": {
      get: {
        operationId: "openapi",
        summary: "This document.",
        security: [],
        responses: { "200": { description: "The OpenAPI 3.1 document.", content: { "application/openapi+json": { schema: { type: "object", required: ["openapi", "paths"] } } } } },
      },
    },
    "/api/v1/session": {
      get: { operationId: "getSession", summary: "Who the caller is; for a session, the CSRF token its changes must send.", responses: { "200": json(ref("Session"), "The caller."), ...errors } },
    },
    "/api/v1/sessions": {
      delete: {
        operationId: "endAllSessions",
        summary: "Ends every session of the signed-in person, this one included, wherever their cookies are (POST /auth/logout ends this one only). A signed-in person only.",
        responses: {
          "200": json({ type: "object", required: ["ended"], properties: { ended: { type: "integer", minimum: 0, description: "How many sessions ended." } }, additionalProperties: false }, "The sessions ended."),
          ...errors,
          ...forbidden,
        },
      },
    },
    "/api/v1/repositories": {
      get: {
        operationId: "listRepositories",
        summary: "The repositories with environments that the caller can see, with the caller's permission.",
        responses: { "200": json({ type: "object", required: ["items"], properties: { items: { type: "array", items: ref("Repository") } }, additionalProperties: false }, "The repositories."), ...errors },
      },
    },
    "/api/v1/environments": {
      get: {
        operationId: "listEnvironments",
        summary: "Environments, sorted by repository and name, filtered and paged.",
        parameters: [
          repositoryFilter("OWNER/NAME."),
          queryParam("owner", "The definition's owner (a user, or @org/team); case and a leading @ do not matter.", {
            type: "string",
            pattern: "^(?!@$)@?.{1,100}$",
            description: "a GitHub user or team, like octocat or @acme/payments",
            examples: ["@acme/payments"],
          }),
          queryParam("template", "A template name.", { ...environmentName, description: "a template name: 2 to 40 lowercase letters, digits and '-', starting with a letter" }),
          { ...queryParam("status", "One or more statuses, comma-separated.", { type: "array", items: { type: "string", enum: ENVIRONMENT_STATUSES } }), explode: false },
          {
            ...queryParam("label", "KEY or KEY=VALUE; repeat for all of several.", {
              type: "array",
              items: { type: "string", pattern: "^[A-Za-z0-9_./-]{1,63}(=.*)?$", description: "KEY or KEY=VALUE, like cost-center=4711", examples: ["cost-center=4711"] },
            }),
            explode: true,
          },
          queryParam("expiringBefore", "Only those that expire before this time (and are not destroyed).", dateTime),
          queryParam("drifted", "true: only those with drift reported; false: only those without.", { type: "boolean" }),
          queryParam("q", "Words that must all appear in the name, repository, owner, template, status or description.", { type: "string", maxLength: 100 }),
          ...paging,
        ],
        responses: { "200": json(ref("EnvironmentPage"), "A page of environments."), ...errors },
      },
    },
    "/api/v1/environments/{owner}/{repo}/{name}": {
      get: {
        operationId: "getEnvironment",
        summary: "One environment: its definition, outputs, expiry, drift, lock, deployments and latest runs.",
        parameters: environmentPath,
        responses: { "200": json(ref("EnvironmentDetail"), "The environment."), ...errors, ...namedRepository },
      },
    },
    "/api/v1/environments/{owner}/{repo}/{name}/inventory": {
      get: {
        operationId: "getInventory",
        summary: "The resources the environment held after its last apply (none before one, or after a destroy), by address, and their dependencies as a Mermaid flowchart.",
        parameters: environmentPath,
        responses: { "200": json(ref("Inventory"), "The environment's resources."), ...errors, ...namedRepository },
      },
    },
    "/api/v1/resources": {
      get: {
        operationId: "findResources",
        summary: "Resources of the environments the caller can see that answer a query: an ARN, a cloud id, a type, an address, an attribute's value, or KEY=VALUE.",
        parameters: [
          {
            ...queryParam("q", "What to look for: an ARN, a cloud id (a bucket's name, an instance id), a resource type, an address, an attribute's value, or KEY=VALUE for that attribute only.", {
              type: "string",
              minLength: 1,
              maxLength: MAX_RESOURCE_QUERY,
              description: `what to look for, 1 to ${MAX_RESOURCE_QUERY} characters: an ARN, a cloud id, a type, an address, an attribute's value, or KEY=VALUE`,
            }),
            required: true,
          },
          repositoryFilter("OWNER/NAME: only its environments."),
          pageLimit(`At most this many, 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}).`),
        ],
        responses: { "200": json({ type: "object", required: ["items"], properties: { items: { type: "array", items: ref("FoundResource") } }, additionalProperties: false }, "The resources found, by repository, environment and address."), ...errors },
      },
    },
    "/api/v1/orphans": {
      get: {
        operationId: "listOrphans",
        summary: "What the latest orphan sweep (schedules.orphans, opt-in) of each repository the caller can see found: cloud resources tagged for its environments that no environment's state holds. Never deleted.",
        parameters: [repositoryFilter("OWNER/NAME: only this repository.")],
        responses: { "200": json({ type: "object", required: ["items"], properties: { items: { type: "array", items: ref("OrphanSweep") } }, additionalProperties: false }, "One entry per repository swept, by repository."), ...errors },
      },
    },
    "/api/v1/cost": {
      get: {
        operationId: "getCostReport",
        summary:
          "A month's chargeback (UTC) over the environments of the repositories the caller can see: each one's hours within the month, from its first apply to its destroy " +
          "(one still running counts up to now), times the hourly price its plan recorded, grouped and summed, the most expensive first. The same report as `envbot cost --json`.",
        parameters: [
          queryParam("month", "YYYY-MM (default: the server's current month, UTC).", { type: "string", pattern: MONTH_PATTERN.source, description: "a month like 2026-11 (YYYY-MM, UTC)", examples: ["2026-11"] }),
          queryParam("by", "What to group by (default owner); cost-center is the environment's cost-center label.", { type: "string", enum: COST_GROUPINGS, default: "owner" }),
          repositoryFilter("OWNER/NAME: only its environments."),
        ],
        responses: { "200": json(ref("CostReport"), "The month's report."), ...errors },
      },
    },
    "/api/v1/environments/{owner}/{repo}/{name}/plan": {
      post: {
        operationId: "planEnvironment",
        summary: "Plans the environment now, as defined on the default branch (needs write). The run appears in its runs, its log live.",
        parameters: environmentPath,
        responses: { "202": json(ref("PlanQueued"), "The plan is queued."), ...errors, ...bodyErrors, ...forbidden, ...namedRepository, ...conflict },
      },
    },
    "/api/v1/environments/{owner}/{repo}/{name}/unlock": {
      post: {
        operationId: "unlockEnvironment",
        summary: "Releases the environment's lock, whoever holds it (needs write).",
        parameters: environmentPath,
        responses: { "200": json(ref("UnlockResult"), "Released, or it was not locked (released is null)."), ...errors, ...bodyErrors, ...forbidden, ...namedRepository },
      },
    },
    "/api/v1/environments/{owner}/{repo}/{name}/extend": {
      post: {
        operationId: "extendEnvironment",
        summary: "Opens a pull request that changes the definition's ttl or expiresAt (needs write); within the repository's maxTtl.",
        parameters: environmentPath,
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                type: "object",
                description: "Exactly one of: a new ttl, a new end, or by how much from the current end.",
                properties: { ttl: { type: "string", examples: ["96h"] }, expiresAt: { type: "string", format: "date-time" }, by: { type: "string", examples: ["48h"] } },
                additionalProperties: false,
              },
            },
          },
        },
        responses: { "201": json(ref("ExtendResult"), "The pull request is open."), ...errors, ...bodyErrors, ...forbidden, ...namedRepository, ...conflict },
      },
    },
    "/api/v1/environments/{owner}/{repo}/{name}/destroy": {
      post: {
        operationId: "destroyEnvironment",
        summary:
          "Opens a pull request that removes the definition (needs write); merging it destroys the environment. With immediate, the environment is destroyed at once (only for whom the policy's policy.actions.destroyNow names, never a protected one) and the pull request brings Git in line.",
        parameters: environmentPath,
        requestBody: {
          required: false,
          content: { "application/json": { schema: { type: "object", properties: { immediate: { type: "boolean", default: false } }, additionalProperties: false } } },
        },
        responses: { "201": json(ref("DestroyResult"), "The pull request is open."), ...errors, ...bodyErrors, ...forbidden, ...namedRepository },
      },
    },
    "/api/v1/environments/{owner}/{repo}/{name}/wake": {
      post: {
        operationId: "wakeEnvironment",
        summary:
          "Wakes an environment that sleeps outside its awake hours (hibernation) and keeps it awake for duration, or until the end of its current or next awake window (needs write; the policy's policy.actions.wake). " +
          "A sleeping one is woken by a queued apply of its definition on the default branch (202); an awake one is only kept awake (200).",
        parameters: environmentPath,
        requestBody: {
          required: false,
          content: {
            "application/json": {
              schema: { type: "object", properties: { duration: { type: "string", pattern: DURATION_PATTERN.source, description: "how long to stay awake, like 30m, 2h or 1d", examples: ["2h"] } }, additionalProperties: false },
            },
          },
        },
        responses: { "200": json(ref("WakeResult"), "It was awake: kept awake until awakeUntil."), "202": json(ref("WakeResult"), "It sleeps: a job wakes it now."), ...errors, ...bodyErrors, ...forbidden, ...namedRepository, ...conflict },
      },
    },
    "/api/v1/environments/{owner}/{repo}/{name}/revert": {
      post: {
        operationId: "revertDrift",
        summary:
          "Reverts drift: a job plans the definition on the default branch and applies it at once (needs write; the policy's policy.actions.revert), then closes the environment's drift issue saying so. " +
          "Like /envbot revert confirm on the drift issue, without the plan shown first.",
        parameters: environmentPath,
        responses: { "202": json(ref("PlanQueued"), "The revert is queued."), ...errors, ...bodyErrors, ...forbidden, ...namedRepository, ...conflict },
      },
    },
    "/api/v1/environments/{owner}/{repo}/{name}/adopt": {
      post: {
        operationId: "adoptDrift",
        summary:
          "Adopts drift: a job checks the environment for drift and opens a pull request that writes the drifted values into the definition, where a template variable holds them (needs write; policy.actions.adopt). " +
          "The pull request, and the drift nothing in the definition holds, are said on the environment's drift issue.",
        parameters: environmentPath,
        responses: { "202": json(ref("PlanQueued"), "The adoption is queued."), ...errors, ...bodyErrors, ...forbidden, ...namedRepository, ...conflict },
      },
    },
    "/api/v1/repositories/{owner}/{repo}/templates": {
      get: {
        operationId: "listTemplates",
        summary: "The valid templates on the default branch, with their variables' JSON Schema: what can be requested.",
        parameters: environmentPath.slice(0, 2),
        responses: { "200": json(ref("TemplateList"), "The templates."), ...errors, ...namedRepository },
      },
    },
    "/api/v1/repositories/{owner}/{repo}/environments": {
      post: {
        operationId: "requestEnvironment",
        summary: "Requests a new environment from a template (needs write): validated like any definition, then a pull request that adds it.",
        parameters: environmentPath.slice(0, 2),
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: { type: "object", required: ["name", "template"], properties: Object.fromEntries(REQUEST_FIELDS.map((field) => [field, requestFields[field]])), additionalProperties: false },
            },
          },
        },
        responses: { "201": json(ref("RequestResult"), "The pull request is open."), ...errors, ...bodyErrors, ...forbidden, ...namedRepository, ...conflict },
      },
    },
    "/api/v1/runs": {
      get: {
        operationId: "listRuns",
        summary: "Runs, newest first.",
        parameters: [repositoryFilter("OWNER/NAME."), environmentFilter, ...paging],
        responses: { "200": json(ref("RunPage"), "A page of runs."), ...errors },
      },
    },
    "/api/v1/runs/{id}": {
      get: {
        operationId: "getRun",
        summary: "One run, with the redacted end of its log.",
        parameters: [runId],
        responses: { "200": json(ref("RunDetail"), "The run."), ...errors, ...notFound },
      },
    },
    "/api/v1/runs/{id}/log": {
      get: {
        operationId: "getRunLog",
        summary: "The run's redacted log lines after `after`.",
        parameters: [runId, queryParam("after", "The last line number already read (0: from the start).", { type: "integer", minimum: 0, maximum: 999_999_999, default: 0 })],
        responses: { "200": json(ref("LogPage"), "Lines of the log."), ...errors, ...notFound },
      },
    },
    "/api/v1/runs/{id}/log/stream": {
      get: {
        operationId: "streamRunLog",
        summary:
          "The run's log as Server-Sent Events while Terraform writes it: `line` events ({seq, line}, id = seq), then one `end` event ({outcome, error}). " +
          "The caller's access is checked again at least every 30 s and at once when a token or session is revoked; when it ends, a `revoked` event ({detail}) says why and the stream closes.",
        parameters: [runId],
        responses: { "200": { description: "An event stream.", content: { "text/event-stream": { schema: { type: "string" } } } }, ...errors, ...notFound },
      },
    },
    "/api/v1/locks": {
      get: {
        operationId: "listLocks",
        summary: "Environments held by a pull request (or the CLI).",
        parameters: [repositoryFilter("OWNER/NAME.")],
        responses: { "200": json({ type: "object", required: ["items"], properties: { items: { type: "array", items: ref("Lock") } }, additionalProperties: false }, "The locks."), ...errors },
      },
    },
    "/api/v1/audit": {
      get: {
        operationId: "listAudit",
        summary: "Who did what through envbot, newest first.",
        parameters: [repositoryFilter("OWNER/NAME."), environmentFilter, ...paging],
        responses: { "200": json(ref("AuditPage"), "A page of the audit trail."), ...errors },
      },
    },
    "/api/v1/notifications": {
      get: {
        operationId: "getNotifications",
        summary: "What concerns the repositories the caller can read: each notification target's deliveries of their events (waiting, parked, delivered, the newest error of those) and their newest parked deliveries.",
        responses: { "200": json(ref("Notifications"), "Targets by name (never their addresses) and parked deliveries."), ...errors },
      },
    },
    "/api/v1/notifications/retry": {
      post: {
        operationId: "retryNotifications",
        summary: "Parked deliveries (of one target, or all) of the repositories the caller may write to are tried again now.",
        requestBody: {
          required: true,
          content: { "application/json": { schema: { type: "object", properties: { target: { type: "string", pattern: TARGET_PATTERN.source, description: "a target name, like team-slack", examples: ["team-slack"] } }, additionalProperties: false } } },
        },
        responses: {
          "200": json(
            { type: "object", required: ["retried", "repositories"], properties: { retried: { type: "integer" }, repositories: { type: "array", items: { type: "string" } } }, additionalProperties: false },
            "How many deliveries wait again, and whose.",
          ),
          ...errors,
          ...bodyErrors,
        },
      },
    },
    "/api/v1/tokens": {
      get: {
        operationId: "listTokens",
        summary: "The signed-in person's API tokens (never the tokens themselves).",
        responses: { "200": json({ type: "object", required: ["items"], properties: { items: { type: "array", items: closed("Token") } }, additionalProperties: false }, "The tokens."), ...errors, ...forbidden },
      },
      post: {
        operationId: "createToken",
        summary: "Creates an API token for automation, limited to repositories the creator can see. The token is in this answer only.",
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["name", "repositories"],
                properties: {
                  name: { type: "string", minLength: 1, maxLength: 100, pattern: "\\S", description: "what the token is for, 1 to 100 characters", examples: ["deploy from CI"] },
                  repositories: {
                    type: "array",
                    minItems: 1,
                    maxItems: 100,
                    items: repositoryName,
                    description: "a list of 1 to 100 repositories (OWNER/NAME) the token may use",
                  },
                },
                additionalProperties: false,
              },
            },
          },
        },
        responses: { "201": json(ref("NewToken"), "The token, shown once."), ...errors, ...bodyErrors, ...forbidden },
      },
    },
    "/api/v1/tokens/{id}": {
      delete: {
        operationId: "revokeToken",
        summary: "Revokes one of the signed-in person's tokens.",
        parameters: [pathParam("id", "The token's id.", { type: "integer", minimum: 1 })],
        responses: { "204": { description: "Revoked." }, ...errors, ...forbidden, ...notFound },
      },
    },
  },
  components: {
    securitySchemes: {
      bearer: { type: "http", scheme: "bearer", description: "An API token (envbot_...)." },
      session: { type: "apiKey", in: "cookie", name: "envbot_session", description: "The dashboard's sign-in; changes also need X-CSRF-Token." },
    },
    schemas: {
      Problem: {
        type: "object",
        description: "RFC 9457 problem details.",
        required: ["type", "title", "status", "detail"],
        properties: {
          type: { type: "string" },
          title: { type: "string" },
          status: { type: "integer" },
          detail: { type: "string" },
          instance: { type: "string" },
          errors: { type: "array", items: { type: "object", required: ["field", "message"], properties: { field: { type: "string" }, message: { type: "string" } }, additionalProperties: false } },
        },
        additionalProperties: false,
      },
      Health: { type: "object", required: ["status"], properties: { status: { const: "ok" } }, additionalProperties: false },
      Readiness: {
        type: "object",
        required: ["status"],
        properties: {
          status: { enum: ["ready", "unavailable"] },
          reason: { type: "string" },
          queue: { type: "object", required: ["queued", "running"], properties: { queued: { type: "integer" }, running: { type: "integer" } }, additionalProperties: false },
          github: {
            type: "array",
            description: "Each installation's GitHub request budget as this process last heard it (GitHub's x-ratelimit headers). Scheduled sweeps wait while under 20% is left.",
            items: {
              type: "object",
              required: ["installation", "limit", "remaining", "resetAt", "requests", "notModified", "sweepsDeferred"],
              properties: {
                installation: { type: "integer" },
                limit: { type: "integer", description: "Requests an hour." },
                remaining: { type: "integer" },
                resetAt: { type: "string", format: "date-time" },
                requests: { type: "integer", description: "Requests this process sent for the installation." },
                notModified: { type: "integer", description: "Of those, conditional requests answered 304, which do not count against the budget." },
                sweepsDeferred: { type: "integer", description: "Scheduled sweeps that waited for the budget." },
              },
              additionalProperties: false,
            },
          },
        },
        additionalProperties: false,
      },
      Session: {
        type: "object",
        required: ["login", "via", "csrfToken"],
        properties: { login: { type: "string" }, via: { enum: ["session", "token"] }, csrfToken: nullable("string") },
        additionalProperties: false,
      },
      Repository: {
        type: "object",
        required: ["repository", "permission"],
        properties: { repository: { type: "string" }, permission: { enum: ["admin", "maintain", "write", "triage", "read", "none"] } },
        additionalProperties: false,
      },
      Lock: {
        type: "object",
        required: ["repository", "environment", "holder", "acquiredAt"],
        properties: {
          repository: { type: "string" },
          environment: { type: "string" },
          holder: {
            oneOf: [
              { type: "object", required: ["kind", "pullRequest"], properties: { kind: { const: "pull-request" }, pullRequest: { type: "integer" } }, additionalProperties: false },
              { type: "object", required: ["kind", "user"], properties: { kind: { const: "cli" }, user: { type: "string" } }, additionalProperties: false },
            ],
          },
          acquiredAt: dateTime,
        },
        additionalProperties: false,
      },
      Plan: {
        type: "object",
        required: ["mode", "changes", "resources", "drift"],
        properties: {
          mode: { enum: ["normal", "destroy"] },
          changes: {
            type: "object",
            required: ["add", "change", "destroy", "replace"],
            properties: { add: { type: "integer" }, change: { type: "integer" }, destroy: { type: "integer" }, replace: { type: "integer" } },
            additionalProperties: false,
          },
          resources: { type: "array", items: resourceChange },
          drift: { type: "array", items: resourceChange },
        },
        additionalProperties: false,
      },
      Run: {
        type: "object",
        required: ["id", "repository", "environment", "kind", "commit", "actor", "startedAt", "finishedAt", "outcome", "plan", "error"],
        properties: {
          id: { type: "integer" },
          repository: { type: "string" },
          environment: { type: "string" },
          kind: { enum: ["plan", "apply", "destroy", "drift"] },
          commit: nullable("string"),
          actor: { type: "string" },
          startedAt: dateTime,
          finishedAt: nullableDateTime,
          outcome: { enum: ["running", "succeeded", "failed", "cancelled", "interrupted"] },
          plan: { oneOf: [ref("Plan"), { type: "null" }] },
          error: nullable("string"),
        },
      },
      RunDetail: {
        allOf: [ref("Run")],
        type: "object",
        required: ["logExcerpt"],
        properties: { logExcerpt: nullable("string") },
        unevaluatedProperties: false,
      },
      RunPage: {
        type: "object",
        required: ["items", "nextCursor"],
        properties: { items: { type: "array", items: closed("Run") }, nextCursor: nullable("string") },
        additionalProperties: false,
      },
      LogPage: {
        type: "object",
        required: ["runId", "outcome", "lines", "next", "complete"],
        properties: {
          runId: { type: "integer" },
          outcome: { enum: ["running", "succeeded", "failed", "cancelled", "interrupted"] },
          lines: { type: "array", items: { type: "object", required: ["seq", "line"], properties: { seq: { type: "integer" }, line: { type: "string" } }, additionalProperties: false } },
          next: { type: "integer", description: "Give it as `after` for the lines that follow." },
          complete: { type: "boolean", description: "The run is over and every line was read." },
        },
        additionalProperties: false,
      },
      EnvironmentSummary: {
        type: "object",
        required: ["repository", "name", "template", "owner", "status", "description", "labels", "createdAt", "firstAppliedAt", "expiresAt", "updatedAt", "drifted", "hibernatedAt", "lock", "lastRun"],
        properties: {
          repository: { type: "string" },
          name: { type: "string" },
          template: { type: "string" },
          owner: { type: "string" },
          status: { enum: ENVIRONMENT_STATUSES },
          description: nullable("string"),
          labels: { type: "object", additionalProperties: { type: "string" } },
          createdAt: dateTime,
          firstAppliedAt: nullableDateTime,
          expiresAt: nullableDateTime,
          updatedAt: dateTime,
          drifted: { type: "boolean" },
          hibernatedAt: { ...nullableDateTime, description: "Asleep since then, outside its awake hours (hibernation); null while awake. Its status stays its lifecycle's." },
          lock: { oneOf: [ref("Lock"), { type: "null" }] },
          lastRun: { oneOf: [closed("Run"), { type: "null" }] },
        },
      },
      EnvironmentPage: {
        type: "object",
        required: ["items", "total", "nextCursor"],
        properties: { items: { type: "array", items: closed("EnvironmentSummary") }, total: { type: "integer" }, nextCursor: nullable("string") },
        additionalProperties: false,
      },
      EnvironmentDetail: {
        allOf: [ref("EnvironmentSummary")],
        type: "object",
        required: ["definition", "upstreams", "dependents", "dependencyGraph", "outputs", "runs", "certificates", "deployments"],
        properties: {
          definition: { type: ["object", "null"], description: "The definition as last planned (data only; secrets are references)." },
          upstreams: { type: "array", items: ref("DependencyLink"), description: "The environments whose outputs it takes (its variables { fromEnvironment, output }), as last planned." },
          dependents: { type: "array", items: ref("DependencyLink"), description: "The environments of its repository, not destroyed, that take its outputs, as they were last planned." },
          dependencyGraph: { type: ["string", "null"], description: "Its repository's environments and the outputs they take from each other, as a Mermaid flowchart; null when none takes another's output." },
          outputs: { type: "object", description: "Outputs of the last apply that are not sensitive." },
          runs: { type: "array", items: closed("Run") },
          certificates: { type: "array", items: ref("Certificate"), description: "The certificates envbot issued for it (its template's certificates), never their keys." },
          deployments: {
            type: "array",
            items: {
              type: "object",
              required: ["runId", "effect", "commit", "actor", "at"],
              properties: { runId: { type: "integer" }, effect: { enum: ["apply", "destroy"] }, commit: nullable("string"), actor: { type: "string" }, at: dateTime },
              additionalProperties: false,
            },
          },
        },
        unevaluatedProperties: false,
      },
      DependencyLink: {
        type: "object",
        required: ["environment", "variable", "output"],
        properties: { environment: { type: "string" }, variable: { type: "string", description: "The variable of the dependent environment." }, output: { type: "string", description: "The output of the upstream environment." } },
        additionalProperties: false,
      },
      AuditEntry: {
        type: "object",
        required: ["id", "at", "actor", "source", "action", "repository", "environment", "outcome", "detail"],
        properties: {
          id: { type: "integer" },
          at: dateTime,
          actor: { type: "string" },
          source: { type: "string" },
          action: { type: "string" },
          repository: { type: "string" },
          environment: nullable("string"),
          outcome: { type: "string" },
          detail: nullable("string"),
        },
        additionalProperties: false,
      },
      Notifications: {
        type: "object",
        required: ["targets", "parked"],
        properties: {
          targets: {
            type: "array",
            items: {
              type: "object",
              required: ["target", "waiting", "parked", "delivered", "lastDeliveredAt", "lastError"],
              properties: { target: { type: "string" }, waiting: { type: "integer" }, parked: { type: "integer" }, delivered: { type: "integer" }, lastDeliveredAt: nullableDateTime, lastError: nullable("string") },
              additionalProperties: false,
            },
          },
          parked: {
            type: "array",
            items: {
              type: "object",
              required: ["target", "eventId", "type", "repository", "environment", "at", "attempts", "lastError"],
              properties: {
                target: { type: "string" },
                eventId: { type: "string" },
                type: { type: "string" },
                repository: { type: "string" },
                environment: { type: "string" },
                at: dateTime,
                attempts: { type: "integer" },
                lastError: nullable("string"),
              },
              additionalProperties: false,
            },
          },
        },
        additionalProperties: false,
      },
      InventoryResource: {
        type: "object",
        required: ["address", "type", "provider", "module", "cloudId", "arn", "dependsOn", "attributes"],
        properties: {
          address: { type: "string", examples: ["module.site.aws_s3_bucket.site"] },
          type: { type: "string", examples: ["aws_s3_bucket"] },
          provider: { type: "string", examples: ["registry.terraform.io/hashicorp/aws"] },
          module: nullable("string", { description: "The module it is in; null in the root module." }),
          cloudId: nullable("string", { description: "The provider's id for it (a bucket's name, an instance id)." }),
          arn: nullable("string", { description: "The AWS ARN, when it has one." }),
          dependsOn: { type: "array", items: { type: "string" }, description: "Addresses of the resources it depends on." },
          attributes: { type: "object", description: "Its attributes as the state has them, without the sensitive ones; long values shortened." },
        },
        additionalProperties: false,
      },
      Inventory: {
        type: "object",
        required: ["items", "graph"],
        properties: {
          items: { type: "array", items: ref("InventoryResource") },
          graph: nullable("string", { description: "The resources and their dependencies as a Mermaid flowchart; null when there are none." }),
          certificates: { type: "array", items: ref("Certificate"), description: "The certificates envbot issued for it from the server's CA; absent when it has none." },
        },
        additionalProperties: false,
      },
      Certificate: {
        type: "object",
        description: "A certificate envbot issued for an environment (its template's certificates.NAME). Never its private key.",
        required: ["name", "serial", "commonName", "dnsNames", "notBefore", "notAfter", "renewsAt", "issuer"],
        properties: {
          name: { type: "string", examples: ["web"] },
          serial: { type: "string", description: "Hexadecimal, lowercase.", examples: ["5f3a09c1d2e4b7a8"] },
          commonName: { type: "string", examples: ["checkout.preview.example.com"] },
          dnsNames: { type: "array", items: { type: "string" }, description: "Every DNS name of the certificate, the common name first." },
          notBefore: dateTime,
          notAfter: dateTime,
          renewsAt: { ...dateTime, description: "When the next plan or drift check issues a new one: two thirds into its life." },
          issuer: { type: "string", enum: ["operator-ca", "aws-private-ca"] },
        },
        additionalProperties: false,
      },
      FoundResource: {
        type: "object",
        required: ["repository", "environment", "matched", "resource"],
        properties: {
          repository: { type: "string" },
          environment: { type: "string" },
          matched: { type: "string", description: "What matched: arn, id, type, address, or the attribute's name (a.b one level down)." },
          resource: ref("InventoryResource"),
        },
        additionalProperties: false,
      },
      OrphanSweep: {
        type: "object",
        required: ["repository", "sweptAt", "region", "orphans"],
        properties: {
          repository: { type: "string" },
          sweptAt: { type: "string", format: "date-time" },
          region: { type: "string", description: "The cloud region whose tag index was asked." },
          orphans: {
            type: "array",
            items: {
              type: "object",
              required: ["environment", "arn", "tags"],
              properties: { environment: { type: "string", description: "The environment its envbot:environment tag names." }, arn: { type: "string" }, tags: { type: "object", additionalProperties: { type: "string" } } },
              additionalProperties: false,
            },
          },
        },
        additionalProperties: false,
      },
      CostReport: {
        type: "object",
        description: "A month's chargeback; hours and dollars (US) rounded to cents and hundredths of an hour.",
        required: ["month", "by", "rows", "total"],
        properties: {
          month: { type: "string", pattern: MONTH_PATTERN.source },
          by: { type: "string", enum: COST_GROUPINGS },
          rows: {
            type: "array",
            description: "One per group with hours in the month, the most expensive first (then by group).",
            items: {
              type: "object",
              required: ["group", "environments", "hours", "cost"],
              properties: {
                group: { type: "string", description: "The owner, the cost-center label ((none) without one), the template, or 'OWNER/NAME environment'." },
                environments: { type: "integer", minimum: 1 },
                hours: { type: "number", minimum: 0 },
                cost: { type: "number", minimum: 0 },
                saved: { type: "number", minimum: 0, description: "Dollars not spent while its environments slept (hibernation); absent when none slept." },
              },
              additionalProperties: false,
            },
          },
          total: {
            type: "object",
            required: ["environments", "hours", "cost"],
            properties: { environments: { type: "integer", minimum: 0 }, hours: { type: "number", minimum: 0 }, cost: { type: "number", minimum: 0 }, saved: { type: "number", minimum: 0 } },
            additionalProperties: false,
          },
        },
        additionalProperties: false,
      },
      AuditPage: {
        type: "object",
        required: ["items", "nextCursor"],
        properties: { items: { type: "array", items: ref("AuditEntry") }, nextCursor: nullable("string") },
        additionalProperties: false,
      },
      PullRequest: {
        type: "object",
        required: ["number", "url", "branch"],
        properties: { number: { type: "integer" }, url: { type: "string" }, branch: { type: "string" } },
        additionalProperties: false,
      },
      PlanQueued: {
        type: "object",
        required: ["repository", "environment", "queued", "defaultBranch"],
        properties: { repository: { type: "string" }, environment: { type: "string" }, queued: { const: true }, defaultBranch: { type: "string" } },
        additionalProperties: false,
      },
      UnlockResult: {
        type: "object",
        required: ["repository", "environment", "released"],
        properties: { repository: { type: "string" }, environment: { type: "string" }, released: { oneOf: [ref("Lock"), { type: "null" }] } },
        additionalProperties: false,
      },
      ExtendResult: {
        type: "object",
        required: ["pullRequest", "from", "to"],
        properties: { pullRequest: ref("PullRequest"), from: { type: "string" }, to: { type: "string" } },
        additionalProperties: false,
      },
      DestroyResult: {
        type: "object",
        required: ["pullRequest", "files", "destroying"],
        properties: { pullRequest: ref("PullRequest"), files: { type: "array", items: { type: "string" } }, destroying: { type: "boolean", description: "An immediate destroy is queued." } },
        additionalProperties: false,
      },
      WakeResult: {
        type: "object",
        required: ["repository", "environment", "waking", "awakeUntil"],
        properties: {
          repository: { type: "string" },
          environment: { type: "string" },
          waking: { type: "boolean", description: "It slept: a queued job applies it as defined now." },
          awakeUntil: { type: "string", format: "date-time", description: "The sweep leaves it awake until then, then its schedule rules again." },
        },
        additionalProperties: false,
      },
      RequestResult: {
        type: "object",
        required: ["pullRequest", "file", "definition"],
        properties: { pullRequest: ref("PullRequest"), file: { type: "string" }, definition: { type: "string", description: "The definition file's text." } },
        additionalProperties: false,
      },
      TemplateList: {
        type: "object",
        required: ["repository", "defaultBranch", "items"],
        properties: {
          repository: { type: "string" },
          defaultBranch: { type: "string" },
          items: {
            type: "array",
            items: {
              type: "object",
              required: ["name", "description", "variables", "secrets"],
              properties: { name: { type: "string" }, description: { type: "string" }, variables: { type: "object", description: "The variables' JSON Schema." }, secrets: { type: "array", items: { type: "string" } } },
              additionalProperties: false,
            },
          },
        },
        additionalProperties: false,
      },
      Token: {
        type: "object",
        required: ["id", "name", "login", "repositories", "createdAt", "lastUsedAt"],
        properties: { id: { type: "integer" }, name: { type: "string" }, login: { type: "string" }, repositories: { type: "array", items: { type: "string" } }, createdAt: dateTime, lastUsedAt: nullableDateTime },
      },
      NewToken: {
        allOf: [ref("Token")],
        type: "object",
        required: ["token"],
        properties: { token: { type: "string", pattern: "^envbot_" } },
        unevaluatedProperties: false,
      },
    },
  },
} as const;
