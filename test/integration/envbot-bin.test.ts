import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { fixturePath, projectRoot } from "../helpers/fixtures.js";

const run = promisify(execFile);
// npx resolves the package first: seconds on a busy machine. This checks behaviour, not speed.

// `npm test` builds dist/ first; these run the real installed entry point, as a user would.
describe("the envbot executable", () => {
  test("`npx envbot validate` works from a checkout", async () => {
    const { stdout } = await run("npx", ["--no-install", "envbot", "validate", "--repo", "environments-template"], { cwd: projectRoot });
    expect(stdout).toBe("1 environment definition valid\n");
  });

  test("a command's second run takes its compiled code from the cache and answers the same", async () => {
    const cache = await mkdtemp(path.join(tmpdir(), "envbot-bin-cache-"));
    try {
      const env = { ...process.env, ENVBOT_CACHE_DIR: cache };
      const validate = () => run(process.execPath, ["bin/envbot.js", "validate", "--repo", "environments-template"], { cwd: projectRoot, env });
      const first = await validate();
      const files = await readdir(path.join(cache, "code"));
      expect(files).toEqual([expect.stringMatching(/-validate\.bin$/)]);
      const written = (await stat(path.join(cache, "code", files[0]!))).mtimeMs;
      const second = await validate();
      expect(second).toEqual(first);
      expect(first.stdout).toBe("1 environment definition valid\n");
      // Written only when V8 did not take the file: unchanged, it was used.
      expect((await stat(path.join(cache, "code", files[0]!))).mtimeMs).toBe(written);
    } finally {
      await rm(cache, { recursive: true, force: true });
    }
  });

  test("the built command knows its version (read from package.json beside dist/)", async () => {
    const { version } = JSON.parse(await readFile(path.join(projectRoot, "package.json"), "utf8")) as { version: string };
    const { stdout } = await run(process.execPath, ["bin/envbot.js", "--version"], { cwd: projectRoot });
    expect(stdout).toBe(`${version}\n`);
  });

  test("exit code 1 and no stack trace on a broken definition", async () => {
    const failure = await run(process.execPath, ["bin/envbot.js", "validate", "--repo", fixturePath(), fixturePath("environments", "bad", "alias-bomb.yaml")], {
      cwd: projectRoot,
    }).catch((error: { code: number; stdout: string; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stdout: string }).stdout).toMatch(/alias-bomb\.yaml:10:12: the file expands aliases more than 100 times/);
    expect((failure as { stderr: string }).stderr).not.toMatch(/\n\s+at /);
  });

  test("a wrong setting is named in one line with exit code 2, not as an internal error", async () => {
    const failure = await run(process.execPath, ["bin/envbot.js", "status", "--repo", "environments-template"], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ENVBOT_DATA_DIR: path.join(projectRoot, "does-not-matter"), ENVBOT_LEASE_TTL: "s3cr3t-looking-value" },
    }).catch((error: { code: number; stdout: string; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 2 });
    const { stderr } = failure as { stderr: string };
    expect(stderr).toMatch(/^envbot status: ENVBOT_LEASE_TTL/);
    expect(stderr).not.toContain("internal error");
    expect(stderr.trim().split("\n")).toHaveLength(1);
  });
});
