import {
  DEFAULT_INSTALLATION_ID,
  issueCommentEvent,
  pullRequestEvent,
  validateWebhookPayload,
} from "../../helpers/github/webhook-payloads.js";

const headSha = "1".repeat(40);
const baseSha = "2".repeat(40);

describe("pull_request deliveries", () => {
  test.each(["opened", "synchronize", "reopened", "closed"] as const)("%s is valid and points at the requested commits", (action) => {
    const event = pullRequestEvent({ action, number: 7, headSha, baseSha });
    expect(validateWebhookPayload("pull_request", event.payload)).toEqual([]);
    expect(event.name).toBe("pull_request");
    expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
    const { payload } = event;
    expect(payload.action).toBe(action);
    expect(payload.installation).toEqual({ id: DEFAULT_INSTALLATION_ID, node_id: expect.any(String) });
    expect(payload.repository.full_name).toBe("octo-org/environments");
    expect(payload.pull_request).toMatchObject({ number: 7, head: { sha: headSha }, base: { sha: baseSha, ref: "main" } });
    expect(payload.pull_request.url).toBe("https://api.github.com/repos/octo-org/environments/pulls/7");
  });

  test("a fork pull request has a head repository of its own", () => {
    const { payload } = pullRequestEvent({ action: "opened", number: 3, headSha, baseSha, fork: true, author: "mallory" });
    const head = payload.pull_request.head.repo!;
    expect(head.fork).toBe(true);
    expect(head.full_name).toBe("mallory/environments");
    expect(head.id).not.toBe(payload.repository.id);
    expect(payload.pull_request.base.repo.full_name).toBe("octo-org/environments");
    expect(payload.pull_request.user?.login).toBe("mallory");
  });

  test("a merged pull request is closed and merged", () => {
    const mergeCommitSha = "3".repeat(40);
    const { payload } = pullRequestEvent({ action: "closed", number: 5, headSha, baseSha, merged: true, mergeCommitSha });
    expect(payload.pull_request).toMatchObject({ state: "closed", merged: true, merge_commit_sha: mergeCommitSha });
    expect(payload.pull_request.merged_at).toEqual(expect.any(String));
  });

  test("a closed, unmerged pull request is not merged", () => {
    const { payload } = pullRequestEvent({ action: "closed", number: 5, headSha, baseSha });
    expect(payload.pull_request).toMatchObject({ state: "closed", merged: false, merged_at: null });
  });

  test("overrides reach the delivery", () => {
    const event = pullRequestEvent({ action: "opened", number: 1, headSha, baseSha, owner: "acme", repo: "envs", installationId: 9, deliveryId: "d-1" });
    expect(event.id).toBe("d-1");
    expect(event.payload.repository).toMatchObject({ name: "envs", full_name: "acme/envs", owner: { login: "acme" } });
    expect(event.payload.installation?.id).toBe(9);
  });

  test("each delivery gets its own id", () => {
    expect(pullRequestEvent({ action: "opened", number: 1, headSha, baseSha }).id).not.toBe(
      pullRequestEvent({ action: "opened", number: 1, headSha, baseSha }).id,
    );
  });
});

describe("issue_comment deliveries", () => {
  test("a comment on a pull request is valid and carries issue.pull_request", () => {
    const event = issueCommentEvent({ body: "/envbot plan", number: 12, login: "alice", commentId: 99 });
    expect(validateWebhookPayload("issue_comment", event.payload)).toEqual([]);
    const { payload } = event;
    expect(payload.action).toBe("created");
    expect(payload.issue.number).toBe(12);
    expect(payload.issue.pull_request?.url).toBe("https://api.github.com/repos/octo-org/environments/pulls/12");
    expect(payload.comment).toMatchObject({ id: 99, body: "/envbot plan", user: { login: "alice" } });
    expect(payload.comment.url).toBe("https://api.github.com/repos/octo-org/environments/issues/comments/99");
    expect(payload.installation?.id).toBe(DEFAULT_INSTALLATION_ID);
  });
});

test("the validator rejects what GitHub would never send", () => {
  const { payload } = pullRequestEvent({ action: "opened", number: 1, headSha, baseSha });
  const broken = { ...payload, pull_request: { ...payload.pull_request, merged: "yes" } };
  expect(validateWebhookPayload("pull_request", broken)).toContainEqual(expect.stringContaining("/pull_request/merged"));
});
