import {
  ConfigurationError,
  ProviderError,
  ProviderInstallError,
  ProviderUnreachableError,
  StateLockedError,
  TerraformError,
} from "../../core/terraform/index.js";

type Step = "init" | "plan" | "show" | "apply" | "output";

/** Terraform's failure text -> the typed error the rest of envbot deals in. */
export function classifyTerraformFailure(step: Step, stderr: string): TerraformError {
  const text = stderr.trim();
  if (/Error acquiring the state lock/i.test(text)) {
    return new StateLockedError("the environment's Terraform state is locked by another operation", text);
  }
  if (/Failed to (query available provider packages|install provider)|Incompatible provider version|Failed to load plugin schemas/i.test(text)) {
    return new ProviderInstallError("Terraform could not install the template's providers", text);
  }
  if (/(connection refused|dial tcp|no such host|i\/o timeout|no route to host|connection reset by peer)/i.test(text) && !/(no valid credential sources|InvalidClientTokenId|AccessDenied|UnrecognizedClientException|ExpiredToken)/i.test(text)) {
    return new ProviderUnreachableError("a provider's API or the state backend could not be reached", text);
  }
  if (/(no valid credential sources|InvalidClientTokenId|configuring Terraform AWS Provider|operation error \w+|api error|AccessDenied|UnrecognizedClientException|ExpiredToken)/i.test(text)) {
    return new ProviderError("a provider could not reach or authenticate with its API", text);
  }
  if (/provisioner error/i.test(text)) {
    return new TerraformError("a provisioner of the template failed", text);
  }
  // At apply time a file and line only say which resource failed; at init and plan they point
  // at the code that does not parse or does not fit together.
  const pointsAtCode = step !== "apply" && /\n?\s*on \S+\.tf(\.json)? line \d+/.test(text);
  if (step === "init" || pointsAtCode || /Invalid (expression|block definition|reference)|Unsupported (argument|block type)|Missing required argument|Reference to undeclared/i.test(text)) {
    return new ConfigurationError("the template's Terraform code has an error", text);
  }
  return new TerraformError(`terraform ${step} failed`, text);
}
