import { passesToTerraform } from "../server-env/server-variables.js";

/**
 * The environment Terraform runs with. Only what Terraform and providers need passes from the
 * server's own environment (server-variables.ts): the GitHub App key, the webhook secret and
 * every other server setting stay out of reach of template code.
 */
export function terraformChildEnv(serverEnv: NodeJS.ProcessEnv, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(serverEnv)) {
    if (value !== undefined && passesToTerraform(name)) env[name] = value;
  }
  return { ...env, TF_IN_AUTOMATION: "1", TF_INPUT: "0", CHECKPOINT_DISABLE: "1", ...extra };
}
