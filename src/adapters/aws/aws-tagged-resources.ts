import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from "@aws-sdk/client-resource-groups-tagging-api";
import type { TaggedResourceSource } from "../../core/ports/index.js";
import { awsClientConfig } from "./aws-client-config.js";

/**
 * The resources of one AWS region that carry a repository's `envbot:repository` tag, through the
 * Resource Groups Tagging API (one query for every service), page by page. Credentials come from
 * the AWS SDK's usual chain (AWS_* variables, profiles, instance roles), as Terraform's do.
 */
export function awsTaggedResources(settings: { region: string; endpoint?: string }, env: NodeJS.ProcessEnv = process.env): TaggedResourceSource {
  const client = new ResourceGroupsTaggingAPIClient(awsClientConfig(settings, env));
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
