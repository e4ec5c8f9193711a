import {
  renderCommandRefusal,
  renderUnexpectedError,
  renderUnknownCommand,
  renderUnknownEnvironment,
  renderUnlockResult,
} from "../../../src/render/command-replies.js";

describe("replies to comment commands", () => {
  test("a writer the policy keeps from a command is told which rule (someone without write access gets no reply at all)", () => {
    expect(renderCommandRefusal({ login: "wanda", policy: "unlock is for @acme/platform (policy.actions.unlock in .github/envbot.yml)" })).toBe(
      "@wanda, the repository's policy does not let you do this: unlock is for @acme/platform (policy.actions.unlock in .github/envbot.yml).",
    );
  });

  test("an unknown command gets the list of commands, and what was typed is shown literally", () => {
    const reply = renderUnknownCommand("/envbot aplly `now` <b>");
    expect(reply).toContain("envbot does not know the command ``/envbot aplly `now` <b>``.");
    expect(reply).toMatchSnapshot();
    expect(renderUnknownCommand("/envbot")).toContain("envbot needs a command after `/envbot`.");
  });

  test("an environment that is not in the pull request", () => {
    expect(renderUnknownEnvironment({ environment: "chekout", environments: ["search", "checkout"] })).toBe(
      "There is no environment `chekout` in this pull request. Its environments: `checkout`, `search`.",
    );
    expect(renderUnknownEnvironment({ environment: "x", environments: [] })).toBe(
      "There is no environment `x` in this pull request: it changes no environment definitions.",
    );
  });

  test("unlock: what was released, or that there was no lock", () => {
    expect(renderUnlockResult({ released: ["checkout"], environment: "checkout", number: 12 })).toBe("Released the lock on `checkout` held by #12.");
    expect(renderUnlockResult({ released: [], environment: "checkout", number: 12 })).toBe("`checkout` was not locked by this pull request: nothing to release.");
    expect(renderUnlockResult({ released: ["search", "checkout"], number: 12 })).toBe("Released the locks on `checkout`, `search` held by #12.");
    expect(renderUnlockResult({ released: [], number: 12 })).toBe("This pull request held no locks: nothing to release.");
    expect(renderUnlockResult({ released: ["search"], refused: [{ environment: "prod", reason: "unlock of a protected environment is for @acme/sre (policy.protected.act in .github/envbot.yml)" }], number: 12 })).toBe(
      "Released the lock on `search` held by #12.\n\nKept, since you may not release it:\n- `prod`: unlock of a protected environment is for @acme/sre (policy.protected.act in .github/envbot.yml)",
    );
  });

  test("an unexpected error says where to look", () => {
    expect(renderUnexpectedError("1f2e3d4c-0000")).toMatchSnapshot();
  });
});
