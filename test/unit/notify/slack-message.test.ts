import { domainEvent, type DomainEvent, type DomainEventType } from "../../../src/core/events/domain-event.js";
import type { DeliveryContext } from "../../../src/adapters/notify/notification-target.js";
import { SLACK_LIMITS, slackMessage, type SlackBlock, type SlackMessage } from "../../../src/adapters/notify/slack/slack-message.js";

const NOW = new Date("2026-12-02T10:00:00Z");
const EXPIRES = "2026-12-03T10:00:00.000Z";
const base = { repository: "acme/envs", environment: "checkout-preview", actor: "octocat" };
const changes = { add: 2, change: 0, destroy: 0 };

/** One event of every kind, with what its message must say (header, body) and its next step. */
const KINDS: { [K in DomainEventType]: { event: DomainEvent; header: string; says: string[]; next: string } } = {
  planned: {
    event: domainEvent({ type: "planned", ...base, runId: 7, changes }, NOW),
    header: ":memo: checkout-preview planned",
    says: ["2 to add, 0 to change, 0 to destroy", "by octocat"],
    next: "merging it applies it",
  },
  "plan-failed": {
    event: domainEvent({ type: "plan-failed", ...base, runId: 7, reason: "Error: Invalid reference" }, NOW),
    header: ":x: checkout-preview plan failed",
    says: ["failed; nothing was changed", "```\nError: Invalid reference\n```"],
    next: "Fix the definition and push, or comment `/envbot plan checkout-preview` on the pull request",
  },
  applied: {
    event: domainEvent({ type: "applied", ...base, runId: 7, changes }, NOW),
    header: ":white_check_mark: checkout-preview applied",
    says: ["was applied by octocat: 2 added, 0 changed, 0 destroyed"],
    next: "Open the dashboard to see its outputs",
  },
  destroyed: {
    event: domainEvent({ type: "destroyed", ...base, runId: 8, changes: { add: 0, change: 0, destroy: 3 } }, NOW),
    header: ":wastebasket: checkout-preview destroyed",
    says: ["was destroyed by octocat: 0 added, 0 changed, 3 destroyed"],
    next: "Nothing to do.",
  },
  "apply-failed": {
    event: domainEvent({ type: "apply-failed", ...base, runId: 9, effect: "apply", reason: "Error: quota exceeded" }, NOW),
    header: ":x: checkout-preview apply failed",
    says: ["The apply of *checkout-preview* by octocat failed", "may be partly changed", "Error: quota exceeded"],
    next: "Fix the cause in a pull request that changes the definition of `checkout-preview`",
  },
  "run-interrupted": {
    event: domainEvent({ type: "run-interrupted", ...base, runId: 10, kind: "plan", reason: "interrupted: the envbot process running this plan stopped" }, NOW),
    header: ":x: checkout-preview plan interrupted",
    says: ["stopped before Terraform finished; nothing was changed", "the envbot process running this plan stopped"],
    next: "comment `/envbot plan checkout-preview` on the pull request",
  },
  "expiry-warned": {
    event: domainEvent({ type: "expiry-warned", ...base, actor: "reconciler", expiresAt: EXPIRES }, NOW),
    header: ":hourglass: checkout-preview expires 2026-12-03 10:00 UTC",
    says: [`expires <!date^${Date.parse(EXPIRES) / 1000}^{date_short_pretty} at {time}|${EXPIRES}>`, "envbot destroys it then"],
    next: "`/envbot extend checkout-preview 24h` on its issue or from the dashboard",
  },
  expired: {
    event: domainEvent({ type: "expired", ...base, actor: "reconciler", expiresAt: EXPIRES }, NOW),
    header: ":wastebasket: checkout-preview expired",
    says: ["was destroyed because its time to live ran out"],
    next: "request a new one",
  },
  hibernated: {
    event: domainEvent({ type: "hibernated", ...base, actor: "reconciler", runId: 11, changes: { add: 0, change: 0, destroy: 2 }, form: "destroyed", until: EXPIRES }, NOW),
    header: ":zzz: checkout-preview asleep",
    says: ["went to sleep outside its awake hours", "its state and records are kept"],
    next: "by its schedule",
  },
  woke: {
    event: domainEvent({ type: "woke", ...base, actor: "reconciler", runId: 12, changes: { add: 2, change: 0, destroy: 0 } }, NOW),
    header: ":sunrise: checkout-preview awake",
    says: ["woke by envbot's scheduled checks"],
    next: "Nothing to do.",
  },
  "drift-found": {
    event: domainEvent({ type: "drift-found", ...base, actor: "reconciler", fingerprint: "f1", drifted: 3, pendingInGit: 1 }, NOW),
    header: ":warning: checkout-preview drifted",
    says: ["3 resources drifted", "1 change pending in Git"],
    next: "Apply from Git or revert the change made outside Terraform",
  },
  "drift-resolved": {
    event: domainEvent({ type: "drift-resolved", ...base, actor: "reconciler" }, NOW),
    header: ":white_check_mark: checkout-preview back in sync",
    says: ["drift reported for *checkout-preview* is gone"],
    next: "Nothing to do.",
  },
  "orphans-found": {
    event: domainEvent({ type: "orphans-found", ...base, actor: "reconciler", region: "eu-west-1", count: 3, arns: ["arn:aws:s3:::checkout-assets", "arn:aws:s3:::checkout-logs"] }, NOW),
    header: ":mag: checkout-preview left resources behind",
    says: ["found *3 cloud resources* in eu-west-1 tagged for *checkout-preview*", "envbot never deletes them", "• `arn:aws:s3:::checkout-assets`\n• `arn:aws:s3:::checkout-logs`\n… and 1 more"],
    next: "Delete each one in AWS if nothing needs it, or import it into the environment's state",
  },
  "orphans-resolved": {
    event: domainEvent({ type: "orphans-resolved", ...base, actor: "reconciler" }, NOW),
    header: ":white_check_mark: checkout-preview nothing left behind",
    says: ["left behind by *checkout-preview* are gone"],
    next: "Nothing to do.",
  },
  "policy-blocked": {
    event: domainEvent({ type: "policy-blocked", ...base, stage: "pull-request", reasons: ["needs an approval from @acme/platform", "ttl above 72h"] }, NOW),
    header: ":no_entry: checkout-preview blocked by policy",
    says: ["cannot be merged yet", "• needs an approval from @acme/platform\n• ttl above 72h"],
    next: "Get the approvals named above",
  },
};

const LINKS = {
  repository: "https://github.com/acme/envs",
  dashboard: "https://envbot.example.com/acme/envs/checkout-preview",
  run: "https://envbot.example.com/runs/7",
  pullRequest: "https://github.com/acme/envs/pull/12",
  issue: "https://github.com/acme/envs/issues/3",
};
const context: DeliveryContext = { owner: "alice", template: "web-preview", links: LINKS };

/** Every way a message breaks one of Slack's limits, as readable lines (none: []). */
function limitViolations(message: SlackMessage): string[] {
  const found: string[] = [];
  const over = (what: string, length: number, max: number) => {
    if (length > max) found.push(`${what}: ${length} > ${max}`);
  };
  over("blocks", message.blocks.length, SLACK_LIMITS.blocks);
  over("text", message.text.length, SLACK_LIMITS.text);
  message.blocks.forEach((block: SlackBlock, i) => {
    switch (block.type) {
      case "header":
        over(`blocks[${i}] header text`, block.text.text.length, SLACK_LIMITS.headerText);
        if (block.text.type !== "plain_text") found.push(`blocks[${i}] header text is not plain_text`);
        break;
      case "section":
        over(`blocks[${i}] section text`, block.text.text.length, SLACK_LIMITS.sectionText);
        over(`blocks[${i}] section fields`, block.fields?.length ?? 0, SLACK_LIMITS.sectionFields);
        block.fields?.forEach((field, j) => over(`blocks[${i}] section field ${j}`, field.text.length, SLACK_LIMITS.sectionFieldText));
        break;
      case "context":
        over(`blocks[${i}] context elements`, block.elements.length, SLACK_LIMITS.contextElements);
        block.elements.forEach((element, j) => over(`blocks[${i}] context element ${j}`, element.text.length, SLACK_LIMITS.contextElementText));
        break;
      case "actions":
        over(`blocks[${i}] actions elements`, block.elements.length, SLACK_LIMITS.actionsElements);
        block.elements.forEach((button, j) => {
          over(`blocks[${i}] button ${j} text`, button.text.text.length, SLACK_LIMITS.buttonText);
          over(`blocks[${i}] button ${j} url`, button.url.length, SLACK_LIMITS.buttonUrl);
        });
        break;
      case "divider":
        break;
    }
  });
  return found;
}

const header = (message: SlackMessage) => message.blocks.find((b) => b.type === "header")?.text.text;
const sections = (message: SlackMessage) => message.blocks.flatMap((b) => (b.type === "section" ? [b.text.text, ...(b.fields ?? []).map((f) => f.text)] : []));
const body = (message: SlackMessage) => sections(message).join("\n");
const nextStep = (message: SlackMessage) => sections(message).find((text) => text.startsWith("*Next:* "));
const buttons = (message: SlackMessage) => message.blocks.flatMap((b) => (b.type === "actions" ? b.elements.map((e) => [e.text.text, e.url]) : []));

describe.each(Object.entries(KINDS))("event %s", (_kind, { event, header: expectedHeader, says, next }) => {
  const message = slackMessage(event, context);

  test("fits every Slack limit", () => {
    expect(limitViolations(message)).toEqual([]);
  });

  test("says what happened, to which environment, whose it is and what to do next", () => {
    expect(header(message)).toBe(expectedHeader);
    for (const phrase of says) expect(body(message)).toContain(phrase);
    expect(body(message)).toContain("*Environment*\ncheckout-preview");
    expect(body(message)).toContain("*Repository*\n<https://github.com/acme/envs|acme/envs>");
    expect(body(message)).toContain("*Owner*\nalice");
    expect(body(message)).toContain("*Template*\nweb-preview");
    expect(nextStep(message)).toContain(next);
    expect(message.text).toContain(`${expectedHeader} in acme/envs`);
  });

  test("still fits when every string it carries is huge", () => {
    const huge = (c: string) => c.repeat(50_000);
    const big = { ...event, environment: huge("n"), repository: huge("r"), actor: huge("a"), ...("reason" in event ? { reason: huge("e") } : {}), ...("kind" in event ? { kind: huge("k") } : {}), ...("reasons" in event ? { reasons: Array.from({ length: 100 }, () => huge("p")) } : {}) } as DomainEvent;
    const bigContext: DeliveryContext = { owner: huge("o"), template: huge("t"), links: { repository: `https://github.com/${huge("r")}`, pullRequest: `https://github.com/${huge("x")}`, issue: LINKS.issue } };
    const message = slackMessage(big, bigContext);
    expect(limitViolations(message)).toEqual([]);
    expect(buttons(message)).toEqual([["Issue", LINKS.issue]]);
  });
});

test("the limits check finds what breaks Slack's limits, so passing it means something", () => {
  const section = (text: string): SlackBlock => ({ type: "section", text: { type: "mrkdwn", text } });
  const tooMany: SlackMessage = { text: "x".repeat(3001), blocks: Array.from({ length: 60 }, () => section("ok")) };
  expect(limitViolations(tooMany)).toEqual(["blocks: 60 > 50", "text: 3001 > 3000"]);

  const oversized: SlackMessage = {
    text: "ok",
    blocks: [
      { type: "header", text: { type: "plain_text", text: "h".repeat(200) } },
      { type: "section", text: { type: "mrkdwn", text: "s".repeat(3001) }, fields: Array.from({ length: 11 }, (_, i) => ({ type: "mrkdwn" as const, text: i === 0 ? "f".repeat(2001) : "f" })) },
      { type: "context", elements: Array.from({ length: 11 }, () => ({ type: "mrkdwn" as const, text: "c" })) },
      { type: "actions", elements: Array.from({ length: 26 }, () => ({ type: "button" as const, text: { type: "plain_text" as const, text: "b".repeat(76) }, url: `https://x/${"u".repeat(3000)}` })) },
    ],
  };
  const found = limitViolations(oversized);
  expect(found).toEqual(
    expect.arrayContaining([
      "blocks[0] header text: 200 > 150",
      "blocks[1] section text: 3001 > 3000",
      "blocks[1] section fields: 11 > 10",
      "blocks[1] section field 0: 2001 > 2000",
      "blocks[2] context elements: 11 > 10",
      "blocks[3] actions elements: 26 > 25",
      "blocks[3] button 0 text: 76 > 75",
      "blocks[3] button 0 url: 3010 > 3000",
    ]),
  );
  expect(found).toHaveLength(6 + 2 * 26); // and every one of the 26 buttons breaks both of its limits
});

describe("a failure's reason", () => {
  const failed = (reason: string) => slackMessage(domainEvent({ type: "plan-failed", ...base, runId: 7, reason }, NOW), context);

  test("a 50,000-character reason is cut to fit, ending with …", () => {
    const message = failed("e".repeat(50_000));
    expect(limitViolations(message)).toEqual([]);
    const reason = sections(message).find((text) => text.startsWith("```"))!;
    expect(reason.length).toBe(SLACK_LIMITS.sectionText);
    expect(reason).toMatch(/^```\ne+…\n```$/);
  });

  test("a cut never splits an escaped character", () => {
    // Each of five offsets puts the cut at another place in an "&amp;".
    for (const prefix of ["", "x", "xx", "xxx", "xxxx"]) {
      const reason = sections(failed(`${prefix}${"&".repeat(50_000)}`)).find((text) => text.startsWith("```"))!;
      expect(reason.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      expect(reason).toMatch(new RegExp(`^\`\`\`\n${prefix}(&amp;)+…\n\`\`\`$`));
    }
  });

  test("links and mentions in it are escaped, so they show as text", () => {
    const message = failed("see <!channel> and <https://evil|click> & more");
    expect(body(message)).toContain("see &lt;!channel&gt; and &lt;https://evil|click&gt; &amp; more");
    expect(JSON.stringify(message)).not.toContain("<!channel>");
    expect(JSON.stringify(message)).not.toContain("<https://evil");
  });
});

test("names from the event and the context are escaped everywhere, the notification text too", () => {
  const event = domainEvent({ type: "applied", repository: "acme/<!here>", environment: "a&b<@U123>", actor: "<!channel>", runId: 7, changes }, NOW);
  const message = slackMessage(event, { owner: "<mailto:x|boss>", template: "<!everyone>", links: { repository: "https://github.com/acme/x|y>" } });
  expect(header(message)).toBe(":white_check_mark: a&amp;b&lt;@U123&gt; applied");
  const all = JSON.stringify(message);
  for (const raw of ["<!here>", "<@U123>", "<!channel>", "<mailto:", "<!everyone>"]) expect(all).not.toContain(raw);
  expect(body(message)).toContain("*Repository*\n<https://github.com/acme/x%7Cy&gt;|acme/&lt;!here&gt;>");
  expect(message.text).toContain("a&amp;b&lt;@U123&gt; applied in acme/&lt;!here&gt;");
});

describe("links", () => {
  const event = KINDS["drift-found"].event;

  test("each link the delivery has becomes a button, in a fixed order", () => {
    expect(buttons(slackMessage(event, context))).toEqual([
      ["Pull request", LINKS.pullRequest],
      ["Issue", LINKS.issue],
      ["Dashboard", LINKS.dashboard],
      ["Run", LINKS.run],
    ]);
    expect(buttons(slackMessage(event, { links: { repository: LINKS.repository, run: LINKS.run } }))).toEqual([["Run", LINKS.run]]);
  });

  test("with no links there is no actions block, and the next step does not point at a missing one", () => {
    const message = slackMessage(KINDS.applied.event, { links: { repository: LINKS.repository } });
    expect(message.blocks.some((b) => b.type === "actions")).toBe(false);
    expect(nextStep(message)).toBe("*Next:* Nothing to do: it is ready.");
    expect(nextStep(slackMessage(KINDS["expiry-warned"].event, { links: { repository: LINKS.repository } }))).toBe("*Next:* Extend it with `/envbot extend checkout-preview 24h` on its issue, or let it go.");
  });
});

test("a missing owner is said so, and a missing template leaves its field out", () => {
  const message = slackMessage(KINDS.applied.event, { links: { repository: LINKS.repository } });
  expect(body(message)).toContain("*Owner*\n_no owner recorded_");
  expect(body(message)).not.toContain("*Template*");
});

test("a merge the policy kept back says nothing was applied and how to go on", () => {
  const event = domainEvent({ type: "policy-blocked", ...base, stage: "merge", reasons: ["needs an approval from @acme/platform"] }, NOW);
  const message = slackMessage(event, context);
  expect(header(message)).toBe(":no_entry: checkout-preview merge not applied");
  expect(body(message)).toContain("was not applied");
  expect(body(message)).toContain("• needs an approval from @acme/platform");
  expect(nextStep(message)).toContain("Revert the merge, or open a pull request that meets the policy");
  expect(limitViolations(message)).toEqual([]);
});

test("an interrupted apply or destroy may have changed the environment, and says how to finish", () => {
  const interrupted = (kind: "plan" | "apply" | "destroy" | "drift") => slackMessage(domainEvent({ type: "run-interrupted", ...base, runId: 11, kind, reason: "interrupted" }, NOW), context);
  expect(body(interrupted("apply"))).toContain("the environment may be partly changed");
  expect(nextStep(interrupted("apply"))).toContain("merging it applies again");
  expect(nextStep(interrupted("destroy"))).toContain("retry the destroy");
  expect(nextStep(interrupted("drift"))).toContain("the next drift check runs it again");
});

test("the context line carries the run and the event's time in the reader's time zone", () => {
  const context_ = slackMessage(KINDS.applied.event, context).blocks.find((b) => b.type === "context");
  expect(context_).toEqual({ type: "context", elements: [{ type: "mrkdwn", text: `envbot · run 7 · <!date^${NOW.getTime() / 1000}^{date_short_pretty} at {time}|2026-12-02T10:00:00.000Z>` }] });
});
