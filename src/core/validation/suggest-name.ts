/** The closest of `candidates` to a misspelt `name`, if one is close enough to be what was meant. */
export function suggestName(name: string, candidates: readonly string[]): string | undefined {
  // A shortened name ("maxDestroys" for "maxDestroysPerSweep") is a likely slip too.
  const lower = name.toLowerCase();
  const extended = candidates.find((c) => lower.length >= 4 && c.toLowerCase().startsWith(lower));
  if (extended) return extended;
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(name.length / 3));
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance <= bestDistance) {
      best = candidate;
      bestDistance = distance - 1;
    }
  }
  return best;
}

/**
 * Edits from `a` to `b`: a letter added, removed or changed, or two neighbouring letters swapped
 * (optimal string alignment). A swap is one slip of the fingers: "plna" is one edit from "plan".
 */
function editDistance(a: string, b: string): number {
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) current[j] = Math.min(current[j]!, beforePrevious[j - 2]! + 1);
    }
    beforePrevious = previous;
    previous = current;
  }
  return previous[b.length]!;
}
