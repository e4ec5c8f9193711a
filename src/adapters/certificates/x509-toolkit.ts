import { webcrypto } from "node:crypto";

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
type SigningAlgorithm = webcrypto.Algorithm | webcrypto.EcdsaParams;
import type { CertificateKeyAlgorithm } from "../../core/ports/index.js";

/**
 * @peculiar/x509, loaded at the first certificate (never at start-up: it and the tsyringe it needs
 * cost every envbot command its start-up time), with reflect-metadata loaded before it as
 * tsyringe requires, and node's WebCrypto as its provider.
 */
export type X509 = typeof import("@peculiar/x509");

let loading: Promise<X509> | undefined;

export function loadX509(): Promise<X509> {
  loading ??= (async () => {
    await import("reflect-metadata");
    const x509 = await import("@peculiar/x509");
    x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
    return x509;
  })();
  return loading;
}

const KEY_PARAMS: Record<CertificateKeyAlgorithm, webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams> = {
  "ecdsa-p256": { name: "ECDSA", namedCurve: "P-256" },
  "rsa-2048": { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
};

/** The algorithm a key of this kind signs with (SHA-256 for both). */
export function signingAlgorithm(key: CryptoKey): SigningAlgorithm {
  return key.algorithm.name === "ECDSA" ? { name: "ECDSA", hash: (key.algorithm as webcrypto.EcKeyAlgorithm).namedCurve === "P-384" ? "SHA-384" : "SHA-256" } : key.algorithm;
}

/** A fresh key pair for one certificate, and its private key as PKCS#8 PEM. */
export async function generateCertificateKey(x509: X509, algorithm: CertificateKeyAlgorithm): Promise<{ keys: CryptoKeyPair; privateKeyPem: string }> {
  const keys = (await webcrypto.subtle.generateKey(KEY_PARAMS[algorithm], true, ["sign", "verify"])) as CryptoKeyPair;
  const pkcs8 = await webcrypto.subtle.exportKey("pkcs8", keys.privateKey);
  return { keys, privateKeyPem: `${x509.PemConverter.encode(pkcs8, "PRIVATE KEY")}\n` };
}

/** A certificate's serial, validity and PEM as envbot records them. */
export function describeCertificate(x509: X509, pem: string): { serial: string; notBefore: Date; notAfter: Date } {
  const certificate = new x509.X509Certificate(pem);
  return { serial: certificate.serialNumber.toLowerCase(), notBefore: certificate.notBefore, notAfter: certificate.notAfter };
}

/** The extensions of a server (and client) certificate for these DNS names. */
export function leafExtensions(x509: X509, dnsNames: readonly string[]) {
  return [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
    new x509.SubjectAlternativeNameExtension(dnsNames.map((value) => ({ type: "dns" as const, value }))),
  ];
}
