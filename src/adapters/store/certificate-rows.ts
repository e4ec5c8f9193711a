import type { CertificateIssuerKind, CertificateRecord, StoredCertificate } from "../../core/ports/index.js";

/** The columns a listing reads: never the PEMs, so a key cannot leak through a listing. */
export const LISTED_CERTIFICATE_COLUMNS = "repository, environment, name, serial, common_name, dns_names, not_before, not_after, issuer, issued_at";

export interface CertificateRow {
  repository: string;
  environment: string;
  name: string;
  serial: string;
  common_name: string;
  dns_names: string;
  not_before: string | Date;
  not_after: string | Date;
  issuer: string;
  issued_at: string | Date;
  certificate_pem?: string;
  private_key_pem?: string;
}

export function certificateFromRow(row: CertificateRow): CertificateRecord {
  return {
    repository: row.repository,
    environment: row.environment,
    name: row.name,
    serial: row.serial,
    commonName: row.common_name,
    dnsNames: JSON.parse(row.dns_names) as string[],
    notBefore: new Date(row.not_before),
    notAfter: new Date(row.not_after),
    issuer: row.issuer as CertificateIssuerKind,
    issuedAt: new Date(row.issued_at),
  };
}

export function storedCertificateFromRow(row: CertificateRow): StoredCertificate {
  return { ...certificateFromRow(row), certificatePem: row.certificate_pem!, privateKeyPem: row.private_key_pem! };
}

/** The values of an INSERT of every column, in the order of the table. */
export function certificateValues(c: StoredCertificate): unknown[] {
  return [c.repository, c.environment, c.name, c.serial, c.commonName, JSON.stringify(c.dnsNames), c.notBefore.toISOString(), c.notAfter.toISOString(), c.issuer, c.issuedAt.toISOString(), c.certificatePem, c.privateKeyPem];
}

export const CERTIFICATE_UPSERT_SET =
  "serial = excluded.serial, common_name = excluded.common_name, dns_names = excluded.dns_names, not_before = excluded.not_before, not_after = excluded.not_after, issuer = excluded.issuer, issued_at = excluded.issued_at, certificate_pem = excluded.certificate_pem, private_key_pem = excluded.private_key_pem";
