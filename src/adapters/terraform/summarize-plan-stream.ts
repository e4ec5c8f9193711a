import type { OutputChange, PlanMode, PlanSummary, ResourceAction, ResourceChange } from "../../core/planning/index.js";
import type { DriftDetail } from "../../core/ports/index.js";

/**
 * What `terraform plan -json` streams (Terraform's machine-readable UI, version 1.x): enough for
 * the summary of a plan that only creates and deletes, without a second Terraform process.
 * Attribute-level detail needs `terraform show -json` (summarizePlanJson).
 */
export interface PlanStream {
  terraformVersion?: string;
  resources: ResourceChange[];
  drift: ResourceChange[];
  outputs: OutputChange[];
  /** The human lines worth showing: planned changes, drift, the summary line, warnings. */
  messages: string[];
  /** Error diagnostics, rendered as Terraform prints them. */
  errors: string[];
}

interface UiMessage {
  type?: string;
  "@message"?: string;
  terraform?: string;
  change?: { resource?: { addr?: string }; action?: string };
  outputs?: Record<string, { sensitive?: boolean; action?: string }>;
  diagnostic?: { severity?: string; summary?: string; detail?: string; range?: { filename?: string; start?: { line?: number } } };
}

const ACTIONS: Record<string, ResourceAction | undefined> = {
  create: "create",
  update: "update",
  delete: "delete",
  replace: "replace",
  remove: "forget",
};

export function parsePlanStream(stdout: string): PlanStream {
  const stream: PlanStream = { resources: [], drift: [], outputs: [], messages: [], errors: [] };
  for (const line of stdout.split("\n")) {
    const message = parseLine(line);
    if (!message) continue;
    const text = message["@message"] ?? "";
    switch (message.type) {
      case "version":
        stream.terraformVersion = message.terraform;
        break;
      case "planned_change":
      case "resource_drift": {
        const action = ACTIONS[message.change?.action ?? ""];
        const address = message.change?.resource?.addr;
        if (!action || !address) break;
        (message.type === "planned_change" ? stream.resources : stream.drift).push({ address, action, attributes: [] });
        stream.messages.push(text);
        break;
      }
      case "change_summary":
        stream.messages.push(text);
        break;
      case "outputs":
        for (const [name, output] of Object.entries(message.outputs ?? {})) {
          const action = ACTIONS[output.action ?? ""];
          if (action) stream.outputs.push({ name, action, sensitive: output.sensitive === true });
        }
        break;
      case "diagnostic":
        if (message.diagnostic?.severity === "error") stream.errors.push(renderDiagnostic(message.diagnostic));
        else stream.messages.push(text);
        break;
    }
  }
  return stream;
}

/** Whether the summary needs attribute-level detail (updates, replacements, drift). */
export function needsAttributeDetail(stream: PlanStream): boolean {
  // The stream names resources only: what creates set and updates change comes from show -json.
  return stream.drift.length > 0 || stream.resources.some((r) => r.action === "create" || r.action === "update" || r.action === "replace");
}

export function summarizePlanStream(stream: PlanStream, environment: string, mode: PlanMode, driftDetail: DriftDetail = "relevant"): PlanSummary {
  const count = (...actions: ResourceAction[]) => stream.resources.filter((r) => actions.includes(r.action)).length;
  const changes = { add: count("create", "replace"), change: count("update"), destroy: count("delete", "replace"), replace: count("replace") };
  const drift = driftDetail === "all" ? stream.drift : [];
  return {
    environment,
    mode,
    changes,
    hasChanges: changes.add + changes.change + changes.destroy > 0 || stream.outputs.length > 0,
    resources: stream.resources,
    outputs: stream.outputs,
    drift,
    terraformVersion: stream.terraformVersion,
  };
}

function parseLine(line: string): UiMessage | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    return JSON.parse(line) as UiMessage;
  } catch {
    return undefined;
  }
}

function renderDiagnostic(diagnostic: NonNullable<UiMessage["diagnostic"]>): string {
  const where = diagnostic.range?.filename ? `\n\n  on ${diagnostic.range.filename} line ${diagnostic.range.start?.line ?? "?"}` : "";
  return `Error: ${diagnostic.summary ?? "unknown error"}${where}\n\n${diagnostic.detail ?? ""}`.trim();
}
