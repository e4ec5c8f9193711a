import { readFileSync } from "node:fs";
import path from "node:path";
import { projectRoot } from "../../helpers/fixtures.js";
import { runEnvbot } from "../../helpers/run-cli.js";

// docs/cli.md shows each command's help as the command prints it: a changed option or meaning
// changes the page in the same commit.
const page = readFileSync(path.join(projectRoot, "docs", "cli.md"), "utf8");
const shown = [...page.matchAll(/```text\n(Usage: envbot ([a-z]+)[^\n]*\n[\s\S]*?)```/g)].map((m) => ({ command: m[2]!, text: m[1]! }));

test("docs/cli.md shows the help of every command", () => {
  expect(shown.map((s) => s.command)).toEqual(expect.arrayContaining(["init", "validate", "plan", "status", "history", "logs", "audit", "notifications", "inventory", "find", "orphans", "cost", "context", "reconcile", "server"]));
});

test.each(shown.map((s) => [s.command, s.text]))("docs/cli.md shows `envbot %s --help` as it prints", async (command, text) => {
  const help = await runEnvbot([command, "--help"], { cwd: projectRoot });
  expect(help.code).toBe(0);
  expect(text).toBe(help.stdout.endsWith("\n") ? help.stdout : `${help.stdout}\n`);
});
