import { variablePath } from "../core/environment-actions/adopt-drift.js";
import type { AdoptedValue, NotAdopted } from "../core/planning/index.js";
import type { ChangeReason } from "../core/ports/index.js";
import { ISSUE_BODY_LIMIT } from "./github-limits.js";
import { codeSpan, cutMarkdown, escapeMarkdown } from "./markdown.js";

/** The title, description and commit message of a pull request the control plane opens. */
export function renderProposal(reason: ChangeReason): { title: string; body: string; commitMessage: string } {
  const footer = `\n\n---\n_Opened by envbot for ${reason.requestedBy}. Review it like any change: envbot plans it here and applies it when it is merged._`;
  switch (reason.kind) {
    case "request":
      return {
        title: `Request environment ${reason.environment} (${reason.template})`,
        body: `Adds \`${reason.file}\`: a new environment **${reason.environment}** from the template \`${reason.template}\`, requested by ${reason.requestedBy}.${footer}`,
        commitMessage: `Request environment ${reason.environment} (${reason.template})`,
      };
    case "extend":
      return {
        title: `Extend environment ${reason.environment}: ${reason.to}`,
        body: `Changes \`${reason.file}\` from ${reason.from} to **${reason.to}**, requested by ${reason.requestedBy}.${footer}`,
        commitMessage: `Extend environment ${reason.environment}: ${reason.to}`,
      };
    case "destroy":
      return {
        title: `Destroy environment ${reason.environment}`,
        body: `Removes \`${reason.file}\`, requested by ${reason.requestedBy}. Merging this destroys the environment **${reason.environment}** and everything in it.${footer}`,
        commitMessage: `Destroy environment ${reason.environment}`,
      };
    case "adopt": {
      const what = reason.adopted.map((value) => variablePath(value)).join(", ");
      const body = [
        `Writes into \`${reason.file}\` what changed outside of Terraform, so that Git says what the cloud has (asked by ${reason.requestedBy}):`,
        adoptedTable(reason.adopted),
        reason.notAdopted.length > 0 ? `Not adopted: no variable of the definition holds these, so applying this (or the next apply) changes them back:\n\n${notAdoptedList(reason.notAdopted)}` : "",
        `Planned here, the drifted resources show no changes. Once merged and applied, the drift issue closes at the next drift check.${footer}`,
      ].filter(Boolean).join("\n\n");
      return {
        title: `Adopt drift of environment ${reason.environment}: ${what}`.slice(0, 200),
        body: cutMarkdown(body, ISSUE_BODY_LIMIT, "✂️ The rest is left out to fit GitHub's limit."),
        commitMessage: `Adopt drift of environment ${reason.environment}: ${what}`.slice(0, 200),
      };
    }
  }
}

/** A drifted value as written: JSON, cut to a line. */
function shownValue(value: unknown): string {
  const text = JSON.stringify(value) ?? "null";
  return codeSpan(text.length > 120 ? `${text.slice(0, 117)}...` : text);
}

function adoptedTable(adopted: readonly AdoptedValue[]): string {
  const rows = adopted.map((a) => `| ${codeSpan(`variables.${variablePath(a)}`)} | ${shownValue(a.from)} | ${shownValue(a.to)} | ${codeSpan(a.address)} ${codeSpan(a.attribute)} |`);
  return ["| Variable | Was | Now | Drifted attribute |", "| --- | --- | --- | --- |", ...rows].join("\n");
}

/** Each drifted attribute the definition cannot take, and why. */
export function notAdoptedList(notAdopted: readonly NotAdopted[]): string {
  return notAdopted.map((n) => `- ${codeSpan(n.address)}${n.attribute ? ` ${codeSpan(n.attribute)}` : ""}: ${escapeMarkdown(n.why)}`).join("\n");
}
