import type { TemplateCertificateDeclaration } from "../../generated/schemas.js";
import { parseDuration } from "../duration/duration.js";
import type { CertificateKeyAlgorithm } from "../ports/certificate-issuer.js";

/** A certificate a template declares, parsed: its names still hold their {placeholders}. */
export interface CertificateDeclaration {
  name: string;
  commonName: string;
  subjectAlternativeNames: readonly string[];
  /** As written, e.g. "30d". */
  lifetime: string;
  lifetimeMs: number;
  keyAlgorithm: CertificateKeyAlgorithm;
}

export const DEFAULT_CERTIFICATE_LIFETIME = "30d";

/** template.yaml's `certificates`, valid against the schema -> declarations with their defaults. */
export function certificateDeclarations(declared: Record<string, TemplateCertificateDeclaration> | undefined): Record<string, CertificateDeclaration> {
  return Object.fromEntries(
    Object.entries(declared ?? {}).map(([name, certificate]) => {
      const lifetime = certificate.lifetime ?? DEFAULT_CERTIFICATE_LIFETIME;
      return [
        name,
        {
          name,
          commonName: certificate.commonName,
          subjectAlternativeNames: certificate.subjectAlternativeNames ?? [],
          lifetime,
          lifetimeMs: parseDuration(lifetime),
          keyAlgorithm: certificate.keyAlgorithm ?? "ecdsa-p256",
        },
      ];
    }),
  );
}

/** The two Terraform variables a certificate reaches the module as. */
export function certificateVariables(name: string): { certificate: string; privateKey: string } {
  return { certificate: `${name}_certificate_pem`, privateKey: `${name}_private_key_pem` };
}
