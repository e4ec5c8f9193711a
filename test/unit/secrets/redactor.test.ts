import { createRedactor, lineByLineRedactor, REDACTED } from "../../../src/core/secrets/redactor.js";

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

describe("redacting secrets that Terraform wrapped across lines", () => {
  const secret = "one two three four five six seven eight staple number nine ten eleven";
  const redact = createRedactor([secret]);

  test("a secret with spaces broken over two lines (as terraform apply prints an error) is replaced", () => {
    const wrapped = "The service refused the credential one two three four five six seven eight\nstaple number nine ten eleven because it is not valid.";
    expect(redact(wrapped)).toBe(`The service refused the credential ${REDACTED} because it is not valid.`);
  });

  test("inside a diagnostic frame and in JSON-escaped text with \\n", () => {
    expect(redact("│ credential one two three four five six seven eight\n│ staple number nine ten eleven")).not.toContain("staple");
    expect(redact(JSON.stringify({ detail: "x one two three four five six seven eight\nstaple number nine ten eleven y" }))).not.toContain("staple");
  });

  test("the words of a secret with other words between them are left alone", () => {
    expect(redact("one two three four five six seven eight, staple number nine ten eleven")).toContain("staple");
  });
});

describe("redacting a stream line by line", () => {
  test("a line is held back until the lines that could complete a wrapped secret have come", () => {
    const lines = lineByLineRedactor(createRedactor(["alpha beta gamma"]));
    const shown = [...lines.push("first alpha"), ...lines.push("beta gamma last"), ...lines.push("next"), ...lines.flush()];
    expect(shown.join("\n")).toBe(`first ${REDACTED} last\nnext`);
  });

  test("secrets without spaces hold nothing back", () => {
    const lines = lineByLineRedactor(createRedactor(["hunter2"]));
    expect(lines.push("pw hunter2")).toEqual([`pw ${REDACTED}`]);
    expect(lines.flush()).toEqual([]);
  });
});
