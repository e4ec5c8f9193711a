import {
  renderCommandRefusal,
  renderUnexpectedError,
  renderUnknownCommand,
  renderUnknownEnvironment,
  renderUnlockResult,
} from "../../../src/render/command-replies.js";

describe("replies to comment commands", () => {
  test("someone without write access is told why, and what permission they have", () => {
    expect(renderCommandRefusal({ login: "mallory", repository: "acme/environments", permission: "read" })).toBe(
      "@mallory, only people with write access to acme/environments can run /envbot commands; your permission is read.",
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
  });

  test("an unexpected error says where to look", () => {
    expect(renderUnexpectedError("1f2e3d4c-0000")).toMatchSnapshot();
  });
});
