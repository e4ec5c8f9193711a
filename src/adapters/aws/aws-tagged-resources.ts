import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from "@aws-sdk/client-resource-groups-tagging-api";
import type { TaggedResourceSource } from "../../core/ports/index.js";

/**
 * The resources of one AWS region that carry a repository's `envbot:repository` tag, through the
 * Resource Groups Tagging API (one query for every service), page by page. Credentials come from
 * the AWS SDK's usual chain (AWS_* variables, profiles, instance roles), as Terraform's do.
 */
export function awsTaggedResources(settings: { region: string; endpoint?: string }, env: NodeJS.ProcessEnv = process.env): TaggedResourceSource {
  // Keys in the environment the command was given (the CLI's, which tests set apart from this process's); else the SDK's chain.
  const credentials = env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY ? { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, ...(env.AWS_SESSION_TOKEN && { sessionToken: env.AWS_SESSION_TOKEN }) } : undefined;
  const client = new ResourceGroupsTaggingAPIClient({ region: settings.region, ...(settings.endpoint && { endpoint: settings.endpoint }), ...(credentials && { credentials }) });
  return {
    region: settings.region,
    async listTagged(repository) {
      const found: Awaited<ReturnType<TaggedResourceSource["listTagged"]>> = [];
      let token: string | undefined;
      do {
        const page = await client.send(new GetResourcesCommand({ TagFilters: [{ Key: "envbot:repository", Values: [repository] }], PaginationToken: token, ResourcesPerPage: 100 }));
        for (const mapping of page.ResourceTagMappingList ?? []) {
          if (!mapping.ResourceARN) continue;
          found.push({ arn: mapping.ResourceARN, tags: Object.fromEntries((mapping.Tags ?? []).map((tag) => [tag.Key ?? "", tag.Value ?? ""])) });
        }
        token = page.PaginationToken || undefined;
      } while (token);
      return found;
    },
  };
}
