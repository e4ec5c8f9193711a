import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { fileSecretSource } from "../../../src/adapters/secrets/file-secret-source.js";
import type { SecretLocation } from "../../../src/core/secrets/secret-location.js";

const file = (name: string): SecretLocation => ({ kind: "file", name });

describe("secrets from files in the operator's secrets directory", () => {
  let root: string;
  let dir: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), "envbot-secrets-dir-"));
    dir = path.join(root, "secrets");
    await mkdir(path.join(dir, "db"), { recursive: true });
    await writeFile(path.join(dir, "db", "password"), "inside-value\n");
    await writeFile(path.join(root, "outside"), "outside-value");
    // Links that stay inside are fine; links that lead out are not, whether to a file or a folder.
    await symlink(path.join(dir, "db", "password"), path.join(dir, "current"));
    await symlink("db", path.join(dir, "alias"));
    await symlink(path.join(root, "outside"), path.join(dir, "escape"));
    await symlink(root, path.join(dir, "parent"));
    await symlink("/etc/hostname", path.join(dir, "hostname"));
    await writeFile(path.join(dir, "big"), "x".repeat(70_000));
    await writeFile(path.join(dir, "empty"), "");
    execFileSync("mkfifo", [path.join(dir, "pipe")]);
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test("a file inside is read, without its trailing line break", async () => {
    await expect(fileSecretSource(dir).read(file("db/password"), "db")).resolves.toBe("inside-value");
  });

  test("a link that stays inside the directory is followed", async () => {
    await expect(fileSecretSource(dir).read(file("current"), "db")).resolves.toBe("inside-value");
    await expect(fileSecretSource(dir).read(file("alias/password"), "db")).resolves.toBe("inside-value");
  });

  test.each(["../outside", "db/../../outside", "/etc/passwd", "./db/password", "db//password", "db\\..\\..\\outside"])(
    "%s is refused from its text alone, at validation and before anything is read",
    async (name) => {
      const source = fileSecretSource(dir);
      expect(source.refusal!(file(name))).toBeDefined();
      await expect(source.read(file(name), "db")).rejects.toThrow(/secret db: the envbot server does not read the secrets file/);
    },
  );

  test.each(["escape", "parent/outside", "hostname"])("a link leading out (%s) is refused and its target never read", async (name) => {
    const source = fileSecretSource(dir);
    expect(source.refusal!(file(name))).toBeUndefined(); // only the file system tells
    const read = source.read(file(name), "db");
    await expect(read).rejects.toThrow(`secret db: the secrets file ${name} leads out of the server's secrets directory, so it is not read`);
    await expect(read).rejects.not.toThrow(/outside-value/);
  });

  test("the directory itself, special files, oversize and empty files are refused", async () => {
    const source = fileSecretSource(dir);
    await expect(source.read(file("db"), "s")).rejects.toThrow("the secrets file db is not a regular file");
    await expect(source.read(file("pipe"), "s")).rejects.toThrow("the secrets file pipe is not a regular file");
    await expect(source.read(file("big"), "s")).rejects.toThrow("the secrets file big is larger than 65536 bytes");
    await expect(source.read(file("empty"), "s")).rejects.toThrow("the secrets file empty is empty");
    await expect(source.read(file("missing"), "s")).rejects.toThrow("the secrets file missing does not exist in the server's secrets directory");
  });
});
