import { createPrivateKey, createPublicKey, randomBytes, webcrypto, X509Certificate as NodeX509Certificate } from "node:crypto";
import { readFile } from "node:fs/promises";
import { CertificateUnavailableError, type CertificateIssuer } from "../../core/ports/index.js";
import { describeCertificate, generateCertificateKey, leafExtensions, loadX509, signingAlgorithm } from "./x509-toolkit.js";

export interface OperatorCaSettings {
  /** ENVBOT_CA_CERT_FILE: the CA's certificate (PEM; a chain after it is handed on too). */
  certFile: string;
  /** ENVBOT_CA_KEY_FILE: its private key (PEM: PKCS#8, SEC1 or PKCS#1). */
  keyFile: string;
}

interface LoadedCa {
  certificatePem: string;
  key: webcrypto.CryptoKey;
}

/**
 * Issues certificates signed by a CA the operator provides as two files, read at the first
 * certificate (a CA that is never used is never read). Each certificate gets its own new key.
 */
export function operatorCaIssuer(settings: OperatorCaSettings): CertificateIssuer {
  let ca: Promise<LoadedCa> | undefined;
  return {
    kind: "operator-ca",
    async issue(request) {
      ca ??= loadCa(settings).catch((error: unknown) => {
        ca = undefined;
        throw error;
      });
      const { certificatePem: caPem, key } = await ca;
      const x509 = await loadX509();
      const caCertificate = new x509.X509Certificate(caPem);
      const { keys, privateKeyPem } = await generateCertificateKey(x509, request.keyAlgorithm);
      const serial = randomBytes(16);
      serial[0]! &= 0x7f; // a positive INTEGER, as RFC 5280 requires of serial numbers
      serial[0]! |= 0x01;
      const leaf = await x509.X509CertificateGenerator.create({
        serialNumber: serial.toString("hex"),
        subject: [{ CN: [request.commonName] }],
        issuer: caCertificate.subject,
        notBefore: request.notBefore,
        notAfter: new Date(request.notBefore.getTime() + request.lifetimeMs),
        publicKey: keys.publicKey,
        signingKey: key,
        signingAlgorithm: signingAlgorithm(key),
        extensions: [
          ...leafExtensions(x509, request.dnsNames),
          await x509.AuthorityKeyIdentifierExtension.create(caCertificate.publicKey),
          await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
        ],
      });
      const certificatePem = `${leaf.toString("pem")}\n${caPem.trim()}\n`;
      return { ...describeCertificate(x509, certificatePem), certificatePem, privateKeyPem };
    },
  };
}

async function loadCa(settings: OperatorCaSettings): Promise<LoadedCa> {
  const read = async (file: string, setting: string) => {
    try {
      return await readFile(file, "utf8");
    } catch (error) {
      throw new CertificateUnavailableError(`${setting}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
    }
  };
  const certificatePem = await read(settings.certFile, "ENVBOT_CA_CERT_FILE");
  const keyPem = await read(settings.keyFile, "ENVBOT_CA_KEY_FILE");
  let certificate: NodeX509Certificate;
  try {
    certificate = new NodeX509Certificate(certificatePem);
  } catch {
    throw new CertificateUnavailableError(`ENVBOT_CA_CERT_FILE: ${settings.certFile} holds no PEM certificate`);
  }
  let keyObject;
  try {
    keyObject = createPrivateKey(keyPem);
  } catch {
    // Never the file's content: it is a private key, or meant to be.
    throw new CertificateUnavailableError(`ENVBOT_CA_KEY_FILE: ${settings.keyFile} holds no PEM private key (unencrypted PKCS#8, SEC1 or PKCS#1)`);
  }
  const spki = (key: Parameters<typeof createPublicKey>[0]) => createPublicKey(key).export({ type: "spki", format: "der" });
  if (!spki(keyObject).equals(certificate.publicKey.export({ type: "spki", format: "der" }))) {
    throw new CertificateUnavailableError(`ENVBOT_CA_KEY_FILE: ${settings.keyFile} is not the key of the certificate in ENVBOT_CA_CERT_FILE (${settings.certFile})`);
  }
  if (!certificate.ca) throw new CertificateUnavailableError(`ENVBOT_CA_CERT_FILE: ${settings.certFile} is not a CA certificate (basicConstraints CA:TRUE)`);
  const pkcs8 = keyObject.export({ type: "pkcs8", format: "der" });
  const type = keyObject.asymmetricKeyType;
  const curve = keyObject.asymmetricKeyDetails?.namedCurve;
  const algorithm =
    type === "ec" && (curve === "prime256v1" || curve === "secp384r1")
      ? { name: "ECDSA", namedCurve: curve === "prime256v1" ? "P-256" : "P-384" }
      : type === "rsa"
        ? { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }
        : undefined;
  if (!algorithm) throw new CertificateUnavailableError(`ENVBOT_CA_KEY_FILE: a ${type}${curve ? ` ${curve}` : ""} key; envbot signs with RSA, ECDSA P-256 or P-384 keys`);
  const key = await webcrypto.subtle.importKey("pkcs8", pkcs8, algorithm, false, ["sign"]);
  // Only the CA's own certificate and what follows it in the file (its chain) are handed on.
  return { certificatePem: certificatePem.slice(certificatePem.indexOf("-----BEGIN CERTIFICATE-----")), key };
}
