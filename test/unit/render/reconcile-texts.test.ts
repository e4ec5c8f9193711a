import type { ResourceChange } from "../../../src/core/planning/index.js";
import type { DriftReport, EnvironmentNotice } from "../../../src/core/ports/index.js";
import { ISSUE_BODY_LIMIT } from "../../../src/render/github-limits.js";
import {
  driftIssueTitle,
  expiryWarningTitlePrefix,
  renderCleanupPullRequest,
  renderDefinitionUnusableIssue,
  renderDestroyFailedIssue,
  renderDriftIssue,
  renderDriftResolvedComment,
  renderExpiredComment,
  renderExpiredIssue,
  renderExpiryWarningIssue,
} from "../../../src/render/reconcile-texts.js";

const notice: EnvironmentNotice = { repository: "acme/environments", environment: "checkout", file: "environments/checkout.yaml", owner: "@acme/payments" };
const expiresAt = new Date("2026-12-01T10:00:00Z");

const cloudDrift: ResourceChange[] = [
  {
    address: "aws_s3_bucket.site",
    action: "update",
    attributes: [
      { path: "tags.owner", before: '"alice"', after: '"mallory"' },
      { path: "versioning[0].enabled", before: "true", after: "false" },
    ],
  },
  { address: "aws_sqs_queue.jobs", action: "delete", attributes: [] },
];

function driftReport(overrides: Partial<DriftReport> = {}): DriftReport {
  return {
    ...notice,
    cloudDrift,
    pendingInGit: [{ address: "terraform_data.greeting", action: "update", attributes: [{ path: "input", before: '"hello"', after: '"hi"' }] }],
    fingerprint: "sha256:4f1c0ffee",
    ...overrides,
  };
}

/** Top-level items ("- `address` ...") of the lists in a body. */
function resourceItems(body: string): number {
  return body.split("\n").filter((line) => line.startsWith("- `")).length;
}

describe("the expiry warning", () => {
  test("tells the owner when, and how to extend or keep the environment", () => {
    const issue = renderExpiryWarningIssue({ ...notice, expiresAt });
    expect(issue.title).toBe("envbot: environment checkout expires on 2026-12-01 10:00 UTC");
    expect(issue.title.startsWith(expiryWarningTitlePrefix("checkout"))).toBe(true);
    expect(issue.body).toMatch(/^@acme\/payments, /);
    expect(issue.body).toContain("Tuesday, 1 December 2026 at 10:00 UTC");
    expect(issue.body).toContain("`2026-12-01T10:00:00Z`");
    for (const words of ["`environments/checkout.yaml`", "`spec.ttl`", "`spec.expiresAt`", "`spec.protected: true`", "pull request"]) {
      expect(issue.body).toContain(words);
    }
    expect(issue.body).toMatchSnapshot();
  });

  test("a user owner is mentioned as given; something that is no owner is never a mention", () => {
    expect(renderExpiryWarningIssue({ ...notice, owner: "@alice", expiresAt }).body).toMatch(/^@alice, /);
    const odd = renderExpiryWarningIssue({ ...notice, owner: "@everyone <b>hi</b>", expiresAt }).body;
    expect(odd).toMatch(/^`@everyone <b>hi<\/b>`, /);
  });
});

describe("expired", () => {
  test("the comment on the warning names the cleanup pull request", () => {
    const comment = renderExpiredComment({ ...notice, expiresAt, cleanupPullRequest: 57 });
    expect(comment).toContain("expired at 2026-12-01 10:00 UTC and envbot destroyed it");
    expect(comment).toContain("#57 removes its definition `environments/checkout.yaml`");
    expect(comment).toMatchSnapshot();
  });

  test("without a cleanup pull request it says where the definition stands", () => {
    expect(renderExpiredComment({ ...notice, expiresAt })).toContain("`environments/checkout.yaml` is still in the repository");
    expect(renderExpiredComment({ ...notice, expiresAt, definitionRemoved: true })).toContain("is already gone from the repository");
    expect(renderExpiredComment({ ...notice, expiresAt, cleanupFailed: true })).toContain("envbot could not open the pull request that removes its definition");
  });

  test("with no warning issue to answer, an issue of its own mentions the owner", () => {
    const issue = renderExpiredIssue({ ...notice, expiresAt, cleanupPullRequest: 57 });
    expect(issue.title).toBe("envbot: environment checkout expired and was destroyed");
    expect(issue.body).toMatch(/^@acme\/payments: ⏰ `checkout` expired/);
    expect(issue.body).toContain("#57");
  });

  test("the cleanup pull request: title, body, commit message", () => {
    const pr = renderCleanupPullRequest({ ...notice, expiresAt });
    expect(pr.title).toBe("envbot: remove expired environment checkout");
    expect(pr.commitMessage).toBe("Remove expired environment checkout\n\nenvbot destroyed it at expiry (2026-12-01T10:00:00Z).");
    expect(pr.body).toContain("cc @acme/payments");
    expect(pr.body).toMatchSnapshot();
  });
});

describe("destroy failed", () => {
  test("the reason in bold, the details folded, and that envbot retries", () => {
    const issue = renderDestroyFailedIssue({ ...notice, reason: "the cloud refused: AccessDenied", details: "Error: deleting S3 Bucket (site): AccessDenied\n  status code: 403" });
    expect(issue.title).toBe("envbot: could not destroy expired environment checkout");
    expect(issue.body).toContain("**the cloud refused: AccessDenied**");
    expect(issue.body).toContain("<details><summary>Details</summary>");
    expect(issue.body).toContain("envbot retries on every expiry sweep");
    expect(issue.body).toMatchSnapshot();
  });

  test("huge details are shortened to fit, saying so", () => {
    const details = Array.from({ length: 20_000 }, (_, i) => `line ${i} ${"x".repeat(40)}`).join("\n");
    const { body } = renderDestroyFailedIssue({ ...notice, reason: "failed", details });
    expect(body.length).toBeLessThanOrEqual(ISSUE_BODY_LIMIT);
    expect(body).toMatch(/The last [\d,]+ lines of 20,000 are left out here to fit GitHub's issue size limit/);
    expect(body).toContain("envbot retries on every expiry sweep");
  });
});

describe("definition unusable", () => {
  test("lists the problems and says envbot did nothing", () => {
    const problems = ["environments/checkout.yaml:8:8: spec.ttl: 'two days' is not a duration like 72h", "environments/checkout.yaml:11:5: spec.variables.greting: unknown variable"];
    const issue = renderDefinitionUnusableIssue({ ...notice, problems });
    expect(issue.title).toBe("envbot: definition of environment checkout is unusable");
    expect(issue.body).toContain("so it did nothing to the environment");
    expect(issue.body).toContain("fails safe");
    for (const problem of problems) expect(issue.body).toContain(problem);
    expect(issue.body).toMatchSnapshot();
  });

  test("many problems: the first ones, then how many more", () => {
    const problems = Array.from({ length: 500 }, (_, i) => `environments/checkout.yaml:${i + 1}:1: problem ${i}`);
    const { body } = renderDefinitionUnusableIssue({ ...notice, problems });
    expect(body).toContain("problem 49");
    expect(body).not.toContain("problem 50\n");
    expect(body).toContain("…and 450 more.");
    const long = Array.from({ length: 50 }, (_, i) => `problem ${i}: ${"y".repeat(5_000)}`);
    expect(renderDefinitionUnusableIssue({ ...notice, problems: long }).body.length).toBeLessThanOrEqual(ISSUE_BODY_LIMIT);
  });
});

describe("the drift issue", () => {
  test("owner, drifted attributes as path: before -> after, changes in Git, how to fix, the marker", () => {
    const { title, body } = renderDriftIssue(driftReport());
    expect(title).toBe("envbot: drift in environment checkout");
    expect(body.split("\n")[0]).toBe("<!-- envbot:drift environment=checkout fingerprint=sha256:4f1c0ffee -->");
    expect(body).toContain("@acme/payments, the environment `checkout`");
    expect(body).toContain('`tags.owner: "alice" -> "mallory"`');
    expect(body).toContain("`aws_sqs_queue.jobs` deleted outside of Terraform");
    expect(body).toContain("### Changes in Git not yet applied");
    expect(body).toContain('`input: "hello" -> "hi"`');
    expect(body).toContain("`envbot apply checkout`");
    expect(body).toContain("revert the manual change");
    expect(body).toMatchSnapshot();
  });

  test("the title is stable: it names the environment, never the drift", () => {
    expect(renderDriftIssue(driftReport({ fingerprint: "other", cloudDrift: cloudDrift.slice(1) })).title).toBe(driftIssueTitle("checkout"));
  });

  test("nothing pending in Git is said plainly", () => {
    const { body } = renderDriftIssue(driftReport({ pendingInGit: [] }));
    expect(body).toContain("None: applying the definition only undoes the drift above.");
    expect(body).not.toContain("This also applies the changes in Git above.");
  });

  test("only changes in Git, nothing changed in the cloud: no manual change to revert", () => {
    const { body } = renderDriftIssue(driftReport({ cloudDrift: [] }));
    expect(body).toContain("does not match its definition `environments/checkout.yaml`: **1 resource would change if it were applied**");
    expect(body).toContain("### Changed outside of Terraform\n\nNothing.");
    expect(body).toContain("Applying the definition would do this (1 resource):");
    expect(body).not.toContain("revert the manual change");
  });

  test("sensitive attributes never show a value, even when one slipped into the report", () => {
    const leaky: ResourceChange = {
      address: "aws_db_instance.main",
      action: "update",
      attributes: [
        { path: "password", before: '"hunter2-old"', after: '"hunter2-new"', sensitive: true },
        { path: "tags.token", before: '"tok-123"', unknown: true, sensitive: true },
      ],
    };
    const { body } = renderDriftIssue(driftReport({ cloudDrift: [leaky], pendingInGit: [leaky] }));
    expect(body).toContain("`password: (sensitive)`");
    expect(body).toContain("`tags.token: (sensitive)`");
    for (const secret of ["hunter2", "tok-123"]) expect(body).not.toContain(secret);
  });

  test("a long drift list stays within GitHub's issue body limit and says how many more", () => {
    const many: ResourceChange[] = Array.from({ length: 3_000 }, (_, i) => ({
      address: `aws_s3_object.file[${i}]`,
      action: "update",
      attributes: Array.from({ length: 5 }, (_, j) => ({ path: `tags.key${j}`, before: `"${"a".repeat(30)}"`, after: `"${"b".repeat(30)}"` })),
    }));
    const pending = many.slice(0, 400).map((r) => ({ ...r, address: r.address.replace("file", "pending") }));
    const { body } = renderDriftIssue(driftReport({ cloudDrift: many, pendingInGit: pending }));
    expect(body.length).toBeLessThanOrEqual(ISSUE_BODY_LIMIT);
    const driftShown = body.split("### Changes in Git not yet applied")[0]!;
    const more = /…and ([\d,]+) more resources changed outside of Terraform, left out to fit GitHub's issue size limit\./.exec(driftShown);
    expect(more).not.toBeNull();
    expect(resourceItems(driftShown) + Number(more![1]!.replace(/,/g, ""))).toBe(3_000);
    expect(body).toMatch(/…and [\d,]+ more resources to change when applied/);
    expect(body).toContain("### How to fix it");
  });

  test("the closing comment says when the drift was gone", () => {
    expect(renderDriftResolvedComment({ environment: "checkout", at: new Date("2026-12-02T08:30:00Z") })).toBe(
      "✅ The drift is gone as of 2026-12-02 08:30 UTC: `checkout` matches its last apply again. Closing this issue.",
    );
  });
});

describe("a tag changed by hand", () => {
  test("is one line, tags.KEY with the values tags_all holds, not the provider's tags_all twin or its null before", () => {
    const bucket: ResourceChange = {
      address: "module.environment.aws_s3_bucket.site",
      action: "update",
      attributes: [
        { path: "tags.envbot:owner", before: "null", after: '"@changed-by-hand"' },
        { path: "tags_all.envbot:owner", before: '"@acme/qa"', after: '"@changed-by-hand"' },
        { path: "tags_all.team", before: '"a"', after: '"b"' },
      ],
    };
    const { body } = renderDriftIssue(driftReport({ cloudDrift: [bucket] }));
    expect(body).toContain('`tags.envbot:owner: "@acme/qa" -> "@changed-by-hand"`');
    expect(body).not.toContain("tags_all.envbot:owner");
    expect(body).not.toContain('null -> "@changed-by-hand"');
    expect(body).toContain('`tags_all.team: "a" -> "b"`'); // a tags_all change alone stays as it is
  });
});
