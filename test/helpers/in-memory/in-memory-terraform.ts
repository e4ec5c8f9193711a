import type { AppliedPlan, PlanRequest as Request, RootModuleRequest, SavedPlan, StateLockCleanup, TerraformRunner, TerraformRunOptions } from "../../../src/core/ports/index.js";
import type { PlanSummary, ResourceChange } from "../../../src/core/planning/index.js";
import type { TerraformError } from "../../../src/core/terraform/index.js";

/**
 * A TerraformRunner without Terraform, for orchestration tests: each environment's "state" is
 * the set of resource addresses its last apply left, and a template makes `variables.replicas`
 * (default 1) instances of one resource. Plans diff the desired set against the state, as
 * Terraform would. It records every command, and any two operations on one state at once.
 */
export class InMemoryTerraform implements TerraformRunner {
  readonly states = new Map<string, Set<string>>();
  readonly commands: string[] = [];
  /** "repository:environment" of every moment two operations ran on one state. */
  readonly overlaps: string[] = [];
  /** The next plan or apply of an environment throws this (once). */
  readonly failures = new Map<string, { step: "plan" | "apply"; error: TerraformError }>();
  /** State locks a stopped run left, by "repository:environment" (released by releaseAbandonedStateLock). */
  readonly abandonedLocks = new Map<string, string>();
  /** Called as each operation finishes, before it returns: where a test stops a worker at that moment. */
  onFinished?: (step: "plan" | "apply", key: string) => void;
  /** The most operations that ran at once, on any states (the process's Terraform slots bound it). */
  mostAtOnce = 0;
  /** While set, every operation waits for it once started: how a test keeps Terraform busy. */
  hold?: Promise<void>;
  /** States with an operation running now. */
  get running(): number {
    return this.active.size;
  }
  private readonly active = new Set<string>();

  async plan(request: Request, _options: TerraformRunOptions): Promise<SavedPlan> {
    const key = `${request.repository}:${request.environment.name}`;
    return this.exclusive(key, `plan ${key} ${request.mode}`, "plan", async () => {
      const current = this.states.get(key) ?? new Set<string>();
      const desired = request.mode === "destroy" ? new Set<string>() : new Set(addressesOf(request));
      const resources: ResourceChange[] = [
        ...[...desired].filter((a) => !current.has(a)).map((address) => ({ address, action: "create" as const, attributes: [] })),
        ...[...current].filter((a) => !desired.has(a)).map((address) => ({ address, action: "delete" as const, attributes: [] })),
      ];
      const add = resources.filter((r) => r.action === "create").length;
      const destroy = resources.length - add;
      const summary: PlanSummary = {
        environment: request.environment.name,
        mode: request.mode,
        changes: { add, change: 0, destroy, replace: 0 },
        hasChanges: resources.length > 0,
        resources,
        outputs: [],
        drift: [],
      };
      return { summary, text: `Plan: ${add} to add, 0 to change, ${destroy} to destroy.`, handle: JSON.stringify({ key, desired: [...desired] }), log: "" };
    });
  }

  async apply(plan: SavedPlan, _options: TerraformRunOptions): Promise<AppliedPlan> {
    const { key, desired } = JSON.parse(plan.handle) as { key: string; desired: string[] };
    return this.exclusive(key, `apply ${key}`, "apply", async () => {
      this.states.set(key, new Set(desired));
      return { outputs: {}, sensitiveOutputs: {}, inventory: [], log: "" };
    });
  }

  async releaseAbandonedStateLock(repository: string, environment: string): Promise<StateLockCleanup> {
    const key = `${repository}:${environment}`;
    const lockId = this.abandonedLocks.get(key);
    if (lockId === undefined) return { kind: "none" };
    this.abandonedLocks.delete(key);
    return { kind: "released", lockId };
  }

  private async exclusive<T>(key: string, command: string, step: "plan" | "apply", work: () => Promise<T>): Promise<T> {
    this.commands.push(command);
    if (this.active.has(key)) this.overlaps.push(key);
    this.active.add(key);
    this.mostAtOnce = Math.max(this.mostAtOnce, this.active.size);
    try {
      await new Promise((resolve) => setImmediate(resolve));
      await this.hold;
      const failure = this.failures.get(key);
      if (failure?.step === step) {
        this.failures.delete(key);
        throw failure.error;
      }
      const result = await work();
      this.onFinished?.(step, key);
      return result;
    } finally {
      this.active.delete(key);
    }
  }
}

function addressesOf(request: Request): string[] {
  const replicas = typeof request.variables.replicas === "number" ? request.variables.replicas : 1;
  return Array.from({ length: replicas }, (_, i) => `module.environment.terraform_data.instance[${i}]`);
}
