import path from "node:path";
import { readSettings } from "../../../src/adapters/server-env/settings.js";

const base = { HOME: "/home/op", ENVBOT_INFRACOST: "off" };
const ARN = "arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

describe("ENVBOT_CA_*: the CA certificates come from", () => {
  test("none by default", () => {
    expect(readSettings(base, "/srv").ca).toBeUndefined();
  });

  test("the operator's CA: both files, relative to where envbot starts", () => {
    expect(readSettings({ ...base, ENVBOT_CA_CERT_FILE: "ca/ca.crt", ENVBOT_CA_KEY_FILE: "/etc/envbot/ca.key" }, "/srv").ca).toEqual({
      kind: "operator-ca",
      certFile: path.resolve("/srv", "ca/ca.crt"),
      keyFile: "/etc/envbot/ca.key",
    });
  });

  test("an AWS Private CA by its ARN", () => {
    expect(readSettings({ ...base, ENVBOT_CA_PCA_ARN: ARN }, "/srv").ca).toEqual({ kind: "aws-private-ca", arn: ARN });
  });

  test("one file without the other, two CAs, or an ARN that is not a Private CA's stop envbot at start, saying which", () => {
    expect(() => readSettings({ ...base, ENVBOT_CA_CERT_FILE: "ca.crt" })).toThrow("ENVBOT_CA_KEY_FILE is not set: the operator's CA needs both its certificate (ENVBOT_CA_CERT_FILE) and its key (ENVBOT_CA_KEY_FILE)");
    expect(() => readSettings({ ...base, ENVBOT_CA_KEY_FILE: "ca.key" })).toThrow("ENVBOT_CA_CERT_FILE is not set");
    expect(() => readSettings({ ...base, ENVBOT_CA_CERT_FILE: "ca.crt", ENVBOT_CA_KEY_FILE: "ca.key", ENVBOT_CA_PCA_ARN: ARN })).toThrow("ENVBOT_CA_PCA_ARN and ENVBOT_CA_CERT_FILE/ENVBOT_CA_KEY_FILE name two CAs: set one of them");
    expect(() => readSettings({ ...base, ENVBOT_CA_PCA_ARN: "arn:aws:acm:eu-west-1:123456789012:certificate/abc" })).toThrow("ENVBOT_CA_PCA_ARN: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' is not the ARN of an AWS Private CA");
  });
});
