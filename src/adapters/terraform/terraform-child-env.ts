import { carriesAwsIdentity, passesToTerraform } from "../server-env/server-variables.js";

/**
 * The environment Terraform runs with. Only what Terraform and providers need passes from the
 * server's own environment (server-variables.ts): the GitHub App key, the webhook secret and
 * every other server setting stay out of reach of template code. A run with cloud credentials of
 * its own (`cloudEnv`: a role's session) gets those instead of any AWS identity of the server's.
 */
export function terraformChildEnv(serverEnv: NodeJS.ProcessEnv, extra: Record<string, string>, cloudEnv?: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(serverEnv)) {
    if (value === undefined || !passesToTerraform(name)) continue;
    if (cloudEnv && carriesAwsIdentity(name)) continue;
    env[name] = value;
  }
  return { ...env, TF_IN_AUTOMATION: "1", TF_INPUT: "0", CHECKPOINT_DISABLE: "1", ...extra, ...cloudEnv };
}
