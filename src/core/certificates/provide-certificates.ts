import type { Environment } from "../environment/index.js";
import type { CertificateIssuer, CertificateRecords, StoredCertificate } from "../ports/index.js";
import { ConfigurationError } from "../terraform/index.js";
import { certificateVariables, type CertificateDeclaration } from "./certificate-declaration.js";
import { certificateNames } from "./certificate-names.js";
import { reasonToIssue } from "./renewal.js";

/** The settings that give an envbot server a CA, named wherever one is missing. */
export const CA_SETTINGS = "ENVBOT_CA_CERT_FILE and ENVBOT_CA_KEY_FILE (the operator's CA), or ENVBOT_CA_PCA_ARN (AWS Private CA)";

/** What a run hands Terraform for its certificates. */
export interface CertificateInputs {
  /** Terraform variables: <name>_certificate_pem and <name>_private_key_pem of each certificate. */
  variables: Record<string, string>;
  /** The private keys among them: the run's redactor hides them like secrets. */
  secrets: string[];
}

export interface ProvideCertificatesInput {
  store: CertificateRecords;
  /** The server's CA; undefined when it has none. */
  issuer?: CertificateIssuer;
  now: () => Date;
  repository: string;
  environment: Environment;
  /**
   * "when-due": a plan (and a drift check) issues what is missing, changed or due for renewal;
   * "when-missing": a plan to destroy uses whatever is stored; "never": an apply hands on what its
   * plan stored, so it applies exactly the certificate that was planned.
   */
  issue: "when-due" | "when-missing" | "never";
  /** A line for the run's log when a certificate is issued. */
  onOutput?: (line: string) => void;
}

/**
 * The certificates an environment's template declares, for one run: the stored one while it is
 * valid for the same names, a new one from the server's CA when there is none, its names changed
 * or two thirds of its life have passed.
 */
export async function provideCertificates(input: ProvideCertificatesInput): Promise<CertificateInputs> {
  const { store, repository, environment } = input;
  const declarations = Object.values(environment.template.certificates ?? {});
  const inputs: CertificateInputs = { variables: {}, secrets: [] };
  if (declarations.length === 0) return inputs;
  const issuer = input.issuer;
  if (input.issue !== "never" && !issuer) {
    throw new ConfigurationError(
      `template '${environment.template.name}' declares certificates (${declarations.map((d) => d.name).join(", ")}), but this envbot server has no CA: set ${CA_SETTINGS}`,
    );
  }
  await store.removeCertificates(repository, environment.name, declarations.map((d) => d.name));
  for (const declaration of declarations) {
    const stored = await store.getCertificate(repository, environment.name, declaration.name);
    const certificate = input.issue === "when-due" || (input.issue === "when-missing" && !stored) ? await currentCertificate(input, issuer!, declaration, stored) : stored;
    if (!certificate) throw new ConfigurationError(`certificate '${declaration.name}' of ${environment.name} was not issued by its plan: plan again`);
    const names = certificateVariables(declaration.name);
    inputs.variables[names.certificate] = certificate.certificatePem;
    inputs.variables[names.privateKey] = certificate.privateKeyPem;
    inputs.secrets.push(...privateKeyForms(certificate.privateKeyPem));
  }
  return inputs;
}

async function currentCertificate(input: ProvideCertificatesInput, issuer: CertificateIssuer, declaration: CertificateDeclaration, stored: StoredCertificate | undefined): Promise<StoredCertificate> {
  const { store, repository, environment } = input;
  const variables = { ...environment.template.variables.defaults, ...environment.variables };
  const names = certificateNames(declaration, { name: environment.name, variables });
  if (!names.ok) {
    // Validation reports this at its line first; a run only meets it when validation was skipped.
    throw new ConfigurationError(`certificate '${declaration.name}': ${names.template} gives ${names.filled === undefined ? "no text" : `'${names.filled}'`}, not a DNS name`);
  }
  const now = input.now();
  const reason = stored && stored.issuer !== issuer.kind ? "the server's CA changed" : reasonToIssue(stored, names.dnsNames, now);
  if (reason === undefined) return stored!;
  const issued = await issuer.issue({ commonName: names.commonName, dnsNames: names.dnsNames, notBefore: now, lifetimeMs: declaration.lifetimeMs, keyAlgorithm: declaration.keyAlgorithm });
  const certificate: StoredCertificate = {
    repository,
    environment: environment.name,
    name: declaration.name,
    ...issued,
    commonName: names.commonName,
    dnsNames: names.dnsNames,
    issuer: issuer.kind,
    issuedAt: now,
  };
  await store.putCertificate(certificate);
  input.onOutput?.(`envbot: issued certificate ${declaration.name} (serial ${issued.serial}, valid until ${issued.notAfter.toISOString()}): ${reason}`);
  return certificate;
}

/**
 * A PEM key as Terraform or a log may show it: whole, and its base64 body in one piece. Never a
 * line of it alone: a private key holds its public key (an EC key's point, an RSA key's modulus),
 * which the certificate carries too, so one of its lines can stand, by chance, in the certificate.
 */
export function privateKeyForms(pem: string): string[] {
  const body = pem.split(/\r?\n/).filter((line) => !line.startsWith("-----")).join("").replace(/\s+/g, "");
  return [pem, pem.trim(), body];
}
