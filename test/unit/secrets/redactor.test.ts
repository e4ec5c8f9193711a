import { createRedactor, REDACTED } from "../../../src/core/secrets/redactor.js";

describe("redacting secrets", () => {
  test("every occurrence of every secret is replaced", () => {
    const redact = createRedactor(["hunter2", "t0ken!"]);
    expect(redact("password=hunter2 token=t0ken! again hunter2")).toBe(`password=${REDACTED} token=${REDACTED} again ${REDACTED}`);
  });

  test("JSON-escaped, URL-encoded and base64 forms are replaced too", () => {
    const secret = 'a"b/c d';
    const redact = createRedactor([secret]);
    const text = [JSON.stringify(secret), encodeURIComponent(secret), Buffer.from(secret).toString("base64")].join(" ");
    expect(redact(text)).toBe(`"${REDACTED}" ${REDACTED} ${REDACTED}`);
  });

  test("a longer secret containing a shorter one is replaced whole", () => {
    expect(createRedactor(["abc", "abcdef"])("x abcdef y abc")).toBe(`x ${REDACTED} y ${REDACTED}`);
  });

  test("regular-expression characters in a secret are taken literally", () => {
    expect(createRedactor(["a.c*"])("abc a.c*")).toBe(`abc ${REDACTED}`);
  });

  test("without secrets the text is unchanged; empty values are ignored", () => {
    expect(createRedactor([])("same")).toBe("same");
    expect(createRedactor([""])("same")).toBe("same");
  });
});
