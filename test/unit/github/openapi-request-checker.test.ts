import { checkGitHubRequest } from "../../helpers/github/openapi-request-checker.js";

const API = "https://api.github.com";

describe("requests GitHub accepts pass", () => {
  test.each([
    ["creating a check run", { method: "POST", url: `${API}/repos/o/r/check-runs`, body: { name: "envbot plan", head_sha: "a".repeat(40) } }],
    ["editing a comment", { method: "PATCH", url: `${API}/repos/o/r/issues/comments/1`, body: { body: "updated" } }],
    // Probot's context.config() encodes the file path into one segment.
    ["reading the settings file", { method: "GET", url: `${API}/repos/o/r/contents/.github%2Fenvbot.yml?ref=main` }],
    [
      "creating a deployment without status checks",
      { method: "POST", url: `${API}/repos/o/r/deployments`, body: { ref: "main", environment: "checkout", required_contexts: [] } },
    ],
    ["reacting to a comment", { method: "POST", url: `${API}/repos/o/r/issues/comments/1/reactions`, body: { content: "eyes" } }],
    ["an issue with a null milestone (OpenAPI 3.0 nullable)", { method: "POST", url: `${API}/repos/o/r/issues`, body: { title: "Drift", milestone: null } }],
  ])("%s", (_story, request) => {
    expect(checkGitHubRequest(request)).toEqual([]);
  });
});

describe("requests GitHub would reject fail", () => {
  test("an unknown path", () => {
    expect(checkGitHubRequest({ method: "GET", url: `${API}/repos/o/r/environmentz` })).toEqual([
      "GET /repos/o/r/environmentz: no path of GitHub's REST API matches",
    ]);
  });

  test("an empty path parameter", () => {
    expect(checkGitHubRequest({ method: "GET", url: `${API}/repos/o//pulls` })).toHaveLength(1);
  });

  test("a method the path does not have", () => {
    expect(checkGitHubRequest({ method: "POST", url: `${API}/repos/o/r/issues/comments/1`, body: { body: "x" } })).toEqual([
      "POST /repos/o/r/issues/comments/1: /repos/{owner}/{repo}/issues/comments/{comment_id} has no POST (only GET, PATCH, DELETE)",
    ]);
  });

  test("a check run without head_sha", () => {
    expect(checkGitHubRequest({ method: "POST", url: `${API}/repos/o/r/check-runs`, body: { name: "envbot plan" } })).toEqual([
      "POST /repos/o/r/check-runs: missing required body property 'head_sha'",
    ]);
  });

  test('an annotation_level of "error" (GitHub knows notice, warning and failure)', () => {
    const annotation = { path: "environments/a.yaml", start_line: 1, end_line: 1, annotation_level: "error", message: "bad" };
    const problems = checkGitHubRequest({
      method: "POST",
      url: `${API}/repos/o/r/check-runs`,
      body: { name: "envbot validate", head_sha: "a".repeat(40), output: { title: "t", summary: "s", annotations: [annotation] } },
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain("body/output/annotations/0/annotation_level must be equal to one of the allowed values");
  });

  test("a body property the operation does not know", () => {
    expect(checkGitHubRequest({ method: "PATCH", url: `${API}/repos/o/r/issues/comments/1`, body: { body: "x", bodyy: "y" } })).toEqual([
      "PATCH /repos/o/r/issues/comments/1: unknown body property 'bodyy'",
    ]);
  });

  test("a body property of the wrong type", () => {
    expect(checkGitHubRequest({ method: "PATCH", url: `${API}/repos/o/r/issues/comments/1`, body: { body: 42 } })).toEqual([
      'PATCH /repos/o/r/issues/comments/1: body/body must be string {"type":"string"}',
    ]);
  });

  test("a missing required body", () => {
    expect(checkGitHubRequest({ method: "POST", url: `${API}/repos/o/r/issues/comments/1/reactions` })).toEqual([
      "POST /repos/o/r/issues/comments/1/reactions: a request body is required",
    ]);
  });
});
