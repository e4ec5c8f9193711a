import { PermissionUnavailableError } from "../../core/authorization/authorize.js";
import { statusOf, type Octokit } from "./octokit-types.js";

/**
 * Whether `login` is an active member of the team `org/team` (GET
 * /orgs/{org}/teams/{team_slug}/memberships/{username}: it counts child teams; a pending
 * invitation is no membership). The App needs the organization permission `members: read`.
 */
export async function isActiveTeamMember(octokit: Octokit, org: string, team: string, login: string): Promise<boolean> {
  try {
    const { data } = await octokit.rest.teams.getMembershipForUserInOrg({ org, team_slug: team, username: login });
    return data.state === "active";
  } catch (error) {
    if (statusOf(error) === 404) return false;
    if (statusOf(error) === 403) throw new PermissionUnavailableError(`GitHub refused to say who is in @${org}/${team}: the envbot App needs the organization permission "members: read"`);
    throw error;
  }
}
