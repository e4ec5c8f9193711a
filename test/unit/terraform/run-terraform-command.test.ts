import { mkdtemp, rm, writeFile, chmod } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { runTerraformCommand, type TerraformCommand } from "../../../src/adapters/terraform/run-terraform-command.js";
import { createRedactor } from "../../../src/core/secrets/redactor.js";
import { TerraformCancelledError, TerraformKilledError, TerraformNotFoundError, TerraformTimeoutError } from "../../../src/core/terraform/index.js";

// A stand-in for terraform: a script that behaves as the test needs (prints, ignores interrupts).
let dir: string;
let fake: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "envbot-fake-tf-"));
  fake = path.join(dir, "fake-terraform");
  await writeFile(
    fake,
    `#!/bin/sh
case "$1" in
  print) printf 'line one hunter2\\nline two\\n'; printf 'warn hunter2' >&2; exit 0 ;;
  fail) echo "Error: boom" >&2; exit 1 ;;
  sleep) trap 'echo interrupted; exit 130' INT; sleep 30 & wait ;;
  stubborn) trap '' INT; echo "ignoring interrupts"; sleep 30 & wait; sleep 30 ;;
  apply) echo "Creating..."; kill -9 $$ ;;
esac
`,
  );
  await chmod(fake, 0o755);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const command = (args: string[], extra: Partial<TerraformCommand> = {}): TerraformCommand => ({
  binary: fake,
  args,
  cwd: dir,
  env: { PATH: process.env.PATH },
  timeoutMs: 10_000,
  killGraceMs: 500,
  redact: createRedactor(["hunter2"]),
  ...extra,
});

describe("running one terraform command", () => {
  test("output is captured and streamed line by line, with secrets redacted", async () => {
    const lines: string[] = [];
    const result = await runTerraformCommand(command(["print"], { onOutput: (l) => lines.push(l) }));
    expect(result).toEqual({ code: 0, stdout: "line one [redacted]\nline two\n", stderr: "warn [redacted]" });
    expect(lines.sort()).toEqual(["line one [redacted]", "line two", "warn [redacted]"]);
  });

  test("killed by a signal envbot did not send: reported as such, with what it may have left", async () => {
    const error = await runTerraformCommand(command(["apply"])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraformKilledError);
    expect((error as Error).message).toBe(
      "terraform apply was killed by SIGKILL, not by envbot (the out-of-memory killer or an operator?); the state may be partly written; plan again to see where it stands",
    );
  });

  test("a non-zero exit is returned for the caller to classify", async () => {
    await expect(runTerraformCommand(command(["fail"]))).resolves.toMatchObject({ code: 1, stderr: "Error: boom\n" });
  });

  // The fake sleeps 30 s (60 s when stubborn): that these end at all, within the test's timeout, is
  // what shows the interrupt and the kill worked; no wall-clock budget of our own on top of it.
  test("past the timeout it is interrupted (SIGINT) and reported as a timeout", async () => {
    const error = await runTerraformCommand(command(["sleep"], { timeoutMs: 300 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraformTimeoutError);
    expect((error as Error).message).toBe("terraform sleep took longer than 300ms and was stopped");
  });

  test("a process that ignores the interrupt is killed after the grace period", async () => {
    const controller = new AbortController();
    // Cancelled once it says it ignores interrupts, so the interrupt surely meets the trap.
    const onOutput = (line: string) => void (line === "ignoring interrupts" && controller.abort());
    const error = await runTerraformCommand(command(["stubborn"], { signal: controller.signal, killGraceMs: 500, onOutput })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraformCancelledError);
  });

  test("an already cancelled run does not start", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(runTerraformCommand(command(["print"], { signal: controller.signal }))).rejects.toBeInstanceOf(TerraformCancelledError);
  });

  test("a binary that does not exist says how to fix it", async () => {
    await expect(runTerraformCommand(command(["version"], { binary: path.join(dir, "no-such-tofu") }))).rejects.toThrow(
      new TerraformNotFoundError(`cannot run '${path.join(dir, "no-such-tofu")}': it is not installed or not on PATH (set TERRAFORM_BIN)`),
    );
  });
});
