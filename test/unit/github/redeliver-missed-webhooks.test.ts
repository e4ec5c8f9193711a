import { Octokit } from "@octokit/rest";
import { redeliverMissedWebhooks } from "../../../src/access/github/redeliver-missed-webhooks.js";
import type { Octokit as AppOctokit } from "../../../src/adapters/github/octokit-types.js";
import { GITHUB_API, githubApi, recordedGitHubRequests, setupGitHubMock } from "../../helpers/github/github-mock.js";

const github = setupGitHubMock();
beforeEach(github.before);
afterEach(github.after);

const OUTAGE = new Date("2026-12-02T10:00:00Z");
let ids = 1000;

/** One attempt as GET /app/hook/deliveries lists it (every field GitHub's description requires). */
function attempt(guid: string, minutesAfterOutage: number, statusCode: number, redelivery = false) {
  return {
    id: ++ids,
    guid,
    delivered_at: new Date(OUTAGE.getTime() + minutesAfterOutage * 60_000).toISOString(),
    redelivery,
    duration: 0.12,
    status: statusCode === 0 ? "connection refused" : statusCode < 300 ? "OK" : `Invalid HTTP Response: ${statusCode}`,
    status_code: statusCode,
    event: "pull_request",
    action: "opened",
    installation_id: 42,
    repository_id: 7,
  };
}

test("deliveries refused during the outage and never kept are redelivered once; answered, kept, refused-as-bad and older ones are not", async () => {
  const missed = attempt("missed", 2, 503);
  const missedLater = attempt("missed-twice", 4, 503);
  const missedTwiceFirst = attempt("missed-twice", 3, 503);
  const broughtBack = [attempt("brought-back", 5, 200, true), attempt("brought-back", 1, 503)];
  const kept = attempt("kept-already", 2, 503);
  const badSignature = attempt("bad-signature", 2, 400);
  const serverDown = attempt("server-down", 6, 0);
  const older = attempt("before-the-outage", -30, 503);
  const nextPage = `${GITHUB_API}/app/hook/deliveries?per_page=100&cursor=v1_next`;
  githubApi()
    .get("/app/hook/deliveries")
    .query({ per_page: 100 })
    .reply(200, [serverDown, broughtBack[0], missedLater, missedTwiceFirst, missed, kept, badSignature, broughtBack[1]], { link: `<${nextPage}>; rel="next"` })
    .get("/app/hook/deliveries")
    .query({ per_page: 100, cursor: "v1_next" })
    .reply(200, [older], { link: `<${GITHUB_API}/app/hook/deliveries?per_page=100&cursor=v1_last>; rel="next"` })
    .post(`/app/hook/deliveries/${missed.id}/attempts`)
    .reply(202, {})
    .post(`/app/hook/deliveries/${missedLater.id}/attempts`)
    .reply(202, {})
    .post(`/app/hook/deliveries/${serverDown.id}/attempts`)
    .reply(202, {});
  const store = { hasDelivery: async (id: string) => id === "kept-already" };

  const result = await redeliverMissedWebhooks({ appOctokit: new Octokit({ auth: "app-jwt" }) as unknown as AppOctokit, store, since: OUTAGE });

  expect(result.redelivered.sort()).toEqual(["missed", "missed-twice", "server-down"]);
  // The third page was never asked for: the second reached back past the outage.
  expect(recordedGitHubRequests().filter((r) => r.method === "GET")).toHaveLength(2);
});
