import type { ChangeReason } from "../core/ports/index.js";

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
  }
}
