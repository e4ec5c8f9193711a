/** Whether `text` matches `glob`, where `*` matches any run of characters ('/' included). */
export function globMatches(glob: string, text: string, flags = ""): boolean {
  return new RegExp(`^${glob.split("*").map(escapeRegExp).join(".*")}$`, flags).test(text);
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
