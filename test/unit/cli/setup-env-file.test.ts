import { execFile } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { appSettingsFromConversion, envFileValue, formatEnvFile, writeEnvFile, type AppConversion } from "../../../src/access/cli/setup/env-file.js";

// The .env envbot setup writes, read back as npm start reads it: Node's process.loadEnvFile.
const run = promisify(execFile);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "envbot-env-file-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * The values a .env text gives process.loadEnvFile, in a node of its own: jest hands each test file
 * a copy of process.env, which loadEnvFile does not fill.
 */
async function loadBack(text: string, names: string[]): Promise<Record<string, string | undefined>> {
  const file = path.join(dir, "loaded.env");
  await writeFile(file, text);
  const script = "process.loadEnvFile(process.argv[1]); const names = JSON.parse(process.argv[2]); process.stdout.write(JSON.stringify(Object.fromEntries(names.map((n) => [n, process.env[n] ?? null]))))";
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !names.includes(name)));
  const { stdout } = await run(process.execPath, ["-e", script, file, JSON.stringify(names)], { env });
  return Object.fromEntries(Object.entries(JSON.parse(stdout) as Record<string, string | null>).map(([name, value]) => [name, value ?? undefined]));
}

const pem = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();

test("every value reads back exactly: newlines, each kind of quote, #, =, $, backslashes, spaces", async () => {
  const values = {
    SETUP_TEST_PLAIN: "Iv1.8a61f9b3a7aba766",
    SETUP_TEST_URL: "https://envbot.example.com",
    SETUP_TEST_PEM: pem,
    SETUP_TEST_NEWLINES: "one\ntwo\n\nthree\n",
    SETUP_TEST_DOUBLE: 'say "hi"\nthere',
    SETUP_TEST_SINGLE: "it's here",
    SETUP_TEST_BOTH: `it's "quoted"\nand \\n stays`,
    SETUP_TEST_TWO_QUOTES: "it's `this`\nand that",
    SETUP_TEST_HASH: "abc # not a comment",
    SETUP_TEST_SIGNS: "a=b $HOME ${X} \\ \\\\",
    SETUP_TEST_SPACES: "  padded  ",
    SETUP_TEST_EMPTY: "",
    SETUP_TEST_NEXT_LINE_LOOKS_LIKE_A_SETTING: "x\nOTHER=y\n# z",
  };
  const text = formatEnvFile(values, ["a comment\nthat cannot break out"]);
  expect(text.split("\n").slice(0, 1)).toEqual(["# a comment that cannot break out"]);
  expect(await loadBack(text, [...Object.keys(values), "OTHER"])).toEqual({ ...values, OTHER: undefined });
});

test("plain values stay bare; a value the parser cannot keep is refused, never written changed", () => {
  expect(envFileValue("A", "123456")).toBe("123456");
  expect(envFileValue("A", "abc+/=")).toBe("abc+/=");
  expect(envFileValue("A", "a b")).toBe("'a b'");
  expect(() => envFileValue("A", "a\r\nb")).toThrow("A: a value with a carriage return");
  expect(() => envFileValue("A", "' ` \\n \"")).toThrow("cannot be kept in a .env file");
  expect(() => formatEnvFile({ "NOT A NAME": "x" })).toThrow("not a setting's name");
});

describe("the App's settings from GitHub's answer", () => {
  const conversion: AppConversion = {
    id: 424242,
    slug: "envbot-acme",
    name: "envbot-acme",
    html_url: "https://github.com/apps/envbot-acme",
    pem,
    webhook_secret: "e340154128314309424b7c8e90325147d99fdafa",
    client_id: "Iv1.8a61f9b3a7aba766",
    client_secret: "1726be1638095a19edd134c77bde3aa2ece1e5d8",
  };

  test("the names npm start reads; the private key in base64 on one line", async () => {
    const settings = appSettingsFromConversion(conversion, "https://envbot.example.com", {});
    expect(Object.keys(settings)).toEqual(["APP_ID", "PRIVATE_KEY", "WEBHOOK_SECRET", "GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET", "ENVBOT_PUBLIC_URL"]);
    expect(settings.APP_ID).toBe("424242");
    expect(settings.PRIVATE_KEY).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(settings.PRIVATE_KEY!, "base64").toString("utf8")).toBe(pem);
    expect(formatEnvFile(settings).split("\n").filter((line) => line.startsWith("PRIVATE_KEY="))).toEqual([`PRIVATE_KEY=${settings.PRIVATE_KEY}`]);
  });

  test("GHE_HOST (and GHE_PROTOCOL) go along for an App on GitHub Enterprise Server; no webhook secret, no WEBHOOK_SECRET line", () => {
    const settings = appSettingsFromConversion({ ...conversion, webhook_secret: null }, "https://e.example", { GHE_HOST: "ghe.example.com", GHE_PROTOCOL: "https" });
    expect(settings).toMatchObject({ GHE_HOST: "ghe.example.com", GHE_PROTOCOL: "https" });
    expect(settings).not.toHaveProperty("WEBHOOK_SECRET");
    expect(appSettingsFromConversion(conversion, "https://e.example", { GHE_PROTOCOL: "http" })).not.toHaveProperty("GHE_PROTOCOL");
  });
});

describe("writing the file", () => {
  test("mode 0600; an existing file is refused unless replaced, and a replaced one is 0600 too", async () => {
    const file = path.join(dir, ".env");
    await writeEnvFile(file, "A=1\n", { replace: false });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    await expect(writeEnvFile(file, "A=2\n", { replace: false })).rejects.toMatchObject({ code: "EEXIST" });
    expect(await readFile(file, "utf8")).toBe("A=1\n");

    const shared = path.join(dir, "shared.env");
    await writeFile(shared, "OLD=1\n", { mode: 0o644 });
    await writeEnvFile(shared, "A=3\n", { replace: true });
    expect(await readFile(shared, "utf8")).toBe("A=3\n");
    expect((await stat(shared)).mode & 0o777).toBe(0o600);
  });
});
