/**
 * The grammar the operator's allow lists share (ENVBOT_SECRETS_ALLOW, ENVBOT_AWS_ROLES_ALLOW):
 * groups separated by ';' or a line break, each `[REPOSITORY=]ITEM,ITEM...`, where a group
 * without a repository applies to every repository. A repository stands before the first '='
 * that comes before any ',' or ':' (a secret's name or a role's ARN may itself hold '=').
 */
export function parseAllowGroups(text: string | undefined, syntaxError: (message: string) => Error): { repository?: string; items: string[] }[] {
  return (text ?? "").split(/[;\n]/).map((group) => {
    const equals = /^[^,:=]*=/.test(group) ? group.indexOf("=") : -1;
    const repository = equals >= 0 ? group.slice(0, equals).trim() : undefined;
    if (repository !== undefined && !/^[A-Za-z0-9*][A-Za-z0-9_.*-]*\/[A-Za-z0-9_.*-]+$/.test(repository)) {
      throw syntaxError(`'${repository}' is not a repository like OWNER/NAME (or a glob like OWNER/*) before '='`);
    }
    const items = group.slice(equals + 1).split(",").map((item) => item.trim()).filter((item) => item !== "");
    return { ...(repository !== undefined && { repository }), items };
  });
}

