import type { CertificateRecord } from "../ports/index.js";

/** A certificate is renewed once this share of its life has passed (Let's Encrypt's habit for 90-day certificates). */
export const RENEW_AFTER_SHARE = 2 / 3;

/** The moment a certificate valid from notBefore to notAfter is due for renewal. */
export function renewalDue(certificate: Pick<CertificateRecord, "notBefore" | "notAfter">): Date {
  const { notBefore, notAfter } = certificate;
  return new Date(notBefore.getTime() + (notAfter.getTime() - notBefore.getTime()) * RENEW_AFTER_SHARE);
}

/**
 * Why a new certificate is needed instead of the stored one, or undefined to reuse it: there is
 * none, its names are not those wanted now, or two thirds of its life have passed.
 */
export function reasonToIssue(stored: Pick<CertificateRecord, "dnsNames" | "notBefore" | "notAfter"> | undefined, wanted: readonly string[], now: Date): string | undefined {
  if (!stored) return "none issued yet";
  if (stored.dnsNames.length !== wanted.length || stored.dnsNames.some((name, i) => name !== wanted[i])) return "its names changed";
  if (now.getTime() >= renewalDue(stored).getTime()) return now.getTime() >= stored.notAfter.getTime() ? "it expired" : "two thirds of its life have passed";
  return undefined;
}
