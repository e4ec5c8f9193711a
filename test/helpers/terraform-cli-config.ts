import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * The provider filesystem mirror of this machine (hashicorp/aws without internet), or undefined
 * when there is none. ENVBOT_PROVIDER_MIRROR overrides the default location.
 */
export const PROVIDER_MIRROR: string | undefined = (() => {
  const path = process.env.ENVBOT_PROVIDER_MIRROR ?? "/opt/tf-plugins";
  return existsSync(path) ? path : undefined;
})();

/**
 * Writes a Terraform CLI configuration file into `dir` and returns its path, for TF_CLI_CONFIG_FILE.
 * Tests write their own file so that they never read or touch the user's ~/.terraformrc.
 * With a mirror, hashicorp/* providers come only from it (no registry lookups); others stay direct.
 */
export async function writeTerraformCliConfig(dir: string, options: { mirror?: string; pluginCacheDir?: string }): Promise<string> {
  const lines: string[] = [];
  if (options.pluginCacheDir !== undefined) {
    // Terraform refuses a cache directory that does not exist yet.
    await mkdir(options.pluginCacheDir, { recursive: true });
    lines.push(`plugin_cache_dir = ${hclString(options.pluginCacheDir)}`);
  }
  if (options.mirror !== undefined) {
    const hashicorp = hclString("registry.terraform.io/hashicorp/*");
    lines.push(
      "provider_installation {",
      "  filesystem_mirror {",
      `    path    = ${hclString(options.mirror)}`,
      `    include = [${hashicorp}]`,
      "  }",
      "  direct {",
      `    exclude = [${hashicorp}]`,
      "  }",
      "}",
    );
  }
  const path = join(dir, "terraform.tfrc");
  await writeFile(path, lines.join("\n") + "\n");
  return path;
}

// A JSON string is a valid HCL string once template sequences are escaped ("${" and "%{").
function hclString(value: string): string {
  return JSON.stringify(value).replace(/\$\{/g, "$${").replace(/%\{/g, "%%{");
}
