import type { CertificateIssuer } from "../../core/ports/index.js";
import type { AwsSettings } from "../aws/aws-client-config.js";
import { awsPrivateCaIssuer } from "./aws-private-ca-issuer.js";
import { operatorCaIssuer } from "./operator-ca-issuer.js";

/** ENVBOT_CA_*: the CA a server issues environments' certificates from, if any. */
export type CaSettings = { kind: "operator-ca"; certFile: string; keyFile: string } | { kind: "aws-private-ca"; arn: string };

/** The issuer for these settings; none without a CA. Builds no client and reads no file yet. */
export function certificateIssuerFromSettings(settings: { ca?: CaSettings; aws: AwsSettings }, env: NodeJS.ProcessEnv): CertificateIssuer | undefined {
  const { ca } = settings;
  if (!ca) return undefined;
  return ca.kind === "operator-ca" ? operatorCaIssuer(ca) : awsPrivateCaIssuer({ arn: ca.arn, aws: settings.aws, env });
}
