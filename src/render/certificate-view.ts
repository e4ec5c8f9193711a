import { renewalDue } from "../core/certificates/renewal.js";
import type { CertificateRecord } from "../core/ports/index.js";
import { columns, printable } from "./terminal-text.js";

/** A certificate as the API and `--json` show it (src/access/api/openapi-document.ts: Certificate): never its key. */
export interface CertificateView {
  name: string;
  serial: string;
  commonName: string;
  dnsNames: string[];
  notBefore: string;
  notAfter: string;
  /** When the next plan or drift check issues a new one (two thirds of its life). */
  renewsAt: string;
  issuer: string;
}

export function certificateView(record: CertificateRecord): CertificateView {
  return {
    name: record.name,
    serial: record.serial,
    commonName: record.commonName,
    dnsNames: [...record.dnsNames],
    notBefore: record.notBefore.toISOString(),
    notAfter: record.notAfter.toISOString(),
    renewsAt: renewalDue(record).toISOString(),
    issuer: record.issuer,
  };
}

/** The lines `envbot inventory` prints for an environment's certificates; none when it has none. */
export function formatCertificates(certificates: readonly CertificateView[]): string[] {
  if (certificates.length === 0) return [];
  const rows = certificates.map((c) => [c.name, c.serial, c.dnsNames.join(", "), c.notAfter, c.renewsAt, c.issuer].map(printable));
  return [`Certificates (${certificates.length}):`, ...columns([["NAME", "SERIAL", "NAMES", "NOT AFTER", "RENEWS AT", "ISSUER"], ...rows])];
}
