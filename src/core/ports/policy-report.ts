// The policy's verdict on a pull request as data: what the PullRequestReporter port carries to the
// reporters (check run, comment) and what the audit trail is given.

/** One thing the policy says about a pull request: a rule it breaks, an approval it needs (or got). */
export interface PolicyFinding {
  environment: string;
  file: string;
  line: number;
  column: number;
  kind: "request" | "approval" | "protected" | "quota" | "unreadable";
  /** The rule, as its path in .github/envbot.yml. */
  rule: string;
  /** Met: an approval that arrived. Unmet: what blocks the merge, in plain words. */
  met: boolean;
  message: string;
}

export interface PullRequestPolicyReport {
  findings: PolicyFinding[];
  /** Every rule met (or none applies): the pull request may be merged as far as envbot's policy goes. */
  satisfied: boolean;
}
