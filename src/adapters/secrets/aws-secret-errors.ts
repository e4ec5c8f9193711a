import { SecretUnavailableError } from "../../core/ports/index.js";

/**
 * An AWS API failure as a reason a person can act on. Only the error's name is kept: an SDK
 * message can quote the request, and nothing of a secret may leave here.
 */
export function awsSecretError(error: unknown, secret: string, what: string): SecretUnavailableError {
  const name = error instanceof Error ? error.name : "Error";
  const why: Record<string, string> = {
    ResourceNotFoundException: "does not exist (or not in that version) in the server's AWS account and region",
    ParameterNotFound: "does not exist in the server's AWS account and region",
    ParameterVersionNotFound: "does not exist in that version",
    AccessDeniedException: "may not be read by the envbot server's AWS identity (its IAM policy allows no read of it)",
    DecryptionFailure: "cannot be decrypted with its KMS key by the envbot server's AWS identity",
    InvalidKeyId: "cannot be decrypted: its KMS key is not usable",
    KMSAccessDeniedException: "cannot be decrypted: the envbot server's AWS identity may not use its KMS key",
    CredentialsProviderError: "cannot be read: the envbot server has no AWS credentials",
  };
  return new SecretUnavailableError(`secret ${secret}: ${what} ${why[name] ?? `could not be read (${name})`}`);
}
