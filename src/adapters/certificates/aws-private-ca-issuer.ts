import { setTimeout as delay } from "node:timers/promises";
import { CertificateUnavailableError, type CertificateIssuer } from "../../core/ports/index.js";
import type { AwsSettings } from "../aws/aws-client-config.js";
import { AwsRequestError, signedAwsJsonRequest } from "./signed-aws-json-request.js";
import { describeCertificate, generateCertificateKey, leafExtensions, loadX509, signingAlgorithm } from "./x509-toolkit.js";

export interface AwsPrivateCaSettings {
  /** ENVBOT_CA_PCA_ARN: the private CA that signs. */
  arn: string;
  aws: AwsSettings;
  env: NodeJS.ProcessEnv;
}

/** AWS Private CA issues asynchronously: GetCertificate answers RequestInProgressException until it has. */
const GET_ATTEMPTS = 20;
const GET_RETRY_MS = 500;

/**
 * Issues certificates from AWS Private CA: envbot makes the key and a CSR for it, the CA signs
 * the CSR (IssueCertificate), envbot fetches the certificate and its chain (GetCertificate). The
 * key never leaves envbot.
 */
export function awsPrivateCaIssuer(settings: AwsPrivateCaSettings): CertificateIssuer {
  const call = async (action: string, body: Record<string, unknown>) => {
    try {
      return await signedAwsJsonRequest({ aws: settings.aws, env: settings.env, service: "acm-pca", target: `ACMPrivateCA.${action}`, body });
    } catch (error) {
      if (error instanceof AwsRequestError) throw error;
      throw new CertificateUnavailableError(`AWS Private CA could not be reached (${action}): ${(error as Error).message}`);
    }
  };
  return {
    kind: "aws-private-ca",
    async issue(request) {
      const x509 = await loadX509();
      const { keys, privateKeyPem } = await generateCertificateKey(x509, request.keyAlgorithm);
      const csr = await x509.Pkcs10CertificateRequestGenerator.create({
        name: [{ CN: [request.commonName] }],
        keys,
        signingAlgorithm: signingAlgorithm(keys.privateKey),
        extensions: leafExtensions(x509, request.dnsNames),
      });
      const notAfter = new Date(request.notBefore.getTime() + request.lifetimeMs);
      try {
        const issued = await call("IssueCertificate", {
          CertificateAuthorityArn: settings.arn,
          Csr: Buffer.from(csr.toString("pem")).toString("base64"),
          SigningAlgorithm: request.keyAlgorithm === "rsa-2048" ? "SHA256WITHRSA" : "SHA256WITHECDSA",
          Validity: { Type: "ABSOLUTE", Value: Math.floor(notAfter.getTime() / 1000) },
          ValidityNotBefore: { Type: "ABSOLUTE", Value: Math.floor(request.notBefore.getTime() / 1000) },
        });
        const certificateArn = String(issued.CertificateArn);
        for (let attempt = 1; ; attempt++) {
          try {
            const got = await call("GetCertificate", { CertificateAuthorityArn: settings.arn, CertificateArn: certificateArn });
            const chain = typeof got.CertificateChain === "string" && got.CertificateChain.trim() !== "" ? `${got.CertificateChain.trim()}\n` : "";
            const certificatePem = `${String(got.Certificate).trim()}\n${chain}`;
            return { ...describeCertificate(x509, certificatePem), certificatePem, privateKeyPem };
          } catch (error) {
            if (!(error instanceof AwsRequestError && error.type === "RequestInProgressException" && attempt < GET_ATTEMPTS)) throw error;
            await delay(GET_RETRY_MS);
          }
        }
      } catch (error) {
        if (error instanceof AwsRequestError) throw new CertificateUnavailableError(`AWS Private CA refused the certificate (${settings.arn}): ${error.type}: ${error.message}`);
        throw error;
      }
    },
  };
}
