import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import { awsClientConfig, type AwsSettings } from "../aws/aws-client-config.js";

type SourceData = string | ArrayBuffer | ArrayBufferView;

const toBuffer = (data: SourceData): Buffer =>
  typeof data === "string" ? Buffer.from(data, "utf8") : ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data);

/** SHA-256 (and HMAC-SHA-256 with a secret) in the shape @smithy/signature-v4 asks for, on node:crypto. */
class NodeSha256 {
  private hash!: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.reset();
  }
  update(data: SourceData): void {
    this.hash.update(toBuffer(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.secret === undefined ? createHash("sha256") : createHmac("sha256", toBuffer(this.secret));
  }
}

/** An AWS answer other than 2xx: its error type (without the namespace) and message. */
export class AwsRequestError extends Error {
  override name = "AwsRequestError";
  constructor(
    readonly type: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * One call of an AWS JSON 1.1 API (ACM PCA's, for which no current SDK client is installed),
 * signed with SigV4 on the server's AWS settings: ENVBOT_AWS_ENDPOINT, region, and the keys of
 * the environment or the SDK's usual chain. The signer and the credential chain load at the first call.
 */
export async function signedAwsJsonRequest(input: {
  aws: AwsSettings;
  env: NodeJS.ProcessEnv;
  /** The signing name and endpoint prefix, e.g. acm-pca. */
  service: string;
  /** X-Amz-Target, e.g. ACMPrivateCA.IssueCertificate. */
  target: string;
  body: Record<string, unknown>;
  signal?: AbortSignal;
}): Promise<Record<string, unknown>> {
  const config = awsClientConfig(input.aws, input.env);
  const [{ SignatureV4 }, credentials] = await Promise.all([
    import("@smithy/signature-v4"),
    config.credentials ?? import("@aws-sdk/credential-provider-node").then(({ defaultProvider }) => defaultProvider()()),
  ]);
  const url = new URL(config.endpoint ?? `https://${input.service}.${config.region}.amazonaws.com/`);
  const body = JSON.stringify(input.body);
  const signer = new SignatureV4({ service: input.service, region: config.region, credentials, sha256: NodeSha256 });
  const signed = await signer.sign({
    method: "POST",
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port && { port: Number(url.port) }),
    path: url.pathname,
    query: {},
    headers: { host: url.host, "content-type": "application/x-amz-json-1.1", "x-amz-target": input.target },
    body,
  });
  // fetch sets Host itself, to the same value that was signed.
  const { host: _host, ...headers } = signed.headers;
  const response = await fetch(url, { method: "POST", headers, body, signal: input.signal });
  const text = await response.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    // An answer that is not JSON (a proxy's page): reported by its status below.
  }
  if (!response.ok) {
    const type = String(parsed.__type ?? `HTTP ${response.status}`).replace(/^.*#/, "");
    throw new AwsRequestError(type, String(parsed.message ?? parsed.Message ?? text.slice(0, 200)), response.status);
  }
  return parsed;
}
