// How times, durations and changes read on the page.

const UNITS = [
  ["d", 86_400_000],
  ["h", 3_600_000],
  ["m", 60_000],
];

/** 3d 4h, 5h 10m, 42m, under a minute. */
/** An environment's status as people read it: "hibernated" while it sleeps (core/hibernation/shown-status.ts). */
export function shownStatus(environment) {
  return environment.hibernatedAt && environment.status !== "destroyed" ? "hibernated" : environment.status;
}

export function duration(ms) {
  ms = Math.abs(ms);
  if (ms < 60_000) return "under a minute";
  const parts = [];
  for (const [unit, size] of UNITS) {
    const count = Math.floor(ms / size);
    if (count > 0 && parts.length < 2) {
      parts.push(`${count}${unit}`);
      ms -= count * size;
    } else if (parts.length > 0) break;
  }
  return parts.join(" ");
}

/** "in 2d 4h", "expired 3h ago", "no expiry". */
export function expiry(expiresAt, now = Date.now()) {
  if (!expiresAt) return "no expiry";
  const left = new Date(expiresAt).getTime() - now;
  return left >= 0 ? `in ${duration(left)}` : `expired ${duration(left)} ago`;
}

export function when(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function shortSha(sha) {
  return sha ? sha.slice(0, 7) : "";
}

/** "+2 ~1 -0" with words for screen readers. */
export function changesText(plan) {
  if (!plan) return "";
  const { add, change, destroy } = plan.changes;
  return `+${add} ~${change} -${destroy}`;
}

export function changesLabel(plan) {
  if (!plan) return "";
  const { add, change, destroy } = plan.changes;
  return `${add} to add, ${change} to change, ${destroy} to destroy`;
}
