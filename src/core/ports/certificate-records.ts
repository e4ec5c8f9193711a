import type { CertificateIssuerKind } from "./certificate-issuer.js";

/** A certificate envbot issued for an environment, as every listing shows it: never its key. */
export interface CertificateRecord {
  repository: string;
  environment: string;
  /** The name the template declares it under (`certificates.<name>`). */
  name: string;
  serial: string;
  commonName: string;
  /** Every DNS name of the certificate, the common name first. */
  dnsNames: string[];
  notBefore: Date;
  notAfter: Date;
  issuer: CertificateIssuerKind;
  issuedAt: Date;
}

/** What the engine alone reads, to hand Terraform: the PEMs with the record. */
export interface StoredCertificate extends CertificateRecord {
  certificatePem: string;
  privateKeyPem: string;
}

/** The certificates of each environment, one per declared name (a new one replaces the old). */
export interface CertificateRecords {
  putCertificate(certificate: StoredCertificate): Promise<void>;
  /** With its PEMs: only for the run that hands them to Terraform. */
  getCertificate(repository: string, environment: string, name: string): Promise<StoredCertificate | undefined>;
  /** Sorted by name; never a key or PEM. */
  listCertificates(repository: string, environment: string): Promise<CertificateRecord[]>;
  /** Forgets the environment's certificates whose names are not in `keep`. */
  removeCertificates(repository: string, environment: string, keep: readonly string[]): Promise<void>;
}
