// GitHub's limits on what envbot posts, in one place: every renderer fits its text to these, so
// the GitHub adapter never meets a 422. Numbers from /work/shared/FACTS.md ("GitHub API data and
// limits"). Lengths are JavaScript string lengths (UTF-16 code units), never fewer than the
// characters GitHub counts.

/** Issue and pull request comment body: longer is refused with 422 "Body is too long". */
export const COMMENT_BODY_LIMIT = 65_536;

/** Issue and pull request body: the same 65,536 characters as a comment. */
export const ISSUE_BODY_LIMIT = 65_536;

/** Check run `output.summary`. */
export const CHECK_RUN_SUMMARY_LIMIT = 65_535;

/** Check run `output.text`. */
export const CHECK_RUN_TEXT_LIMIT = 65_535;

/** Annotations per check run create/update request; later updates append to the earlier ones. */
export const ANNOTATIONS_PER_REQUEST = 50;

/** Check run annotation `title`. */
export const ANNOTATION_TITLE_LIMIT = 255;

/** The only values GitHub accepts for `annotation_level` (not "error"). */
export const ANNOTATION_LEVELS = ["notice", "warning", "failure"] as const;
export type AnnotationLevel = (typeof ANNOTATION_LEVELS)[number];

// Our own choices, for readability (not GitHub limits).

/** Problems listed in the pull request comment; the rest are in the validation check run. */
export const COMMENT_DIAGNOSTICS_SHOWN = 10;

/** A check run title is one line in the checks list: a long failure reason is cut to this. */
export const CHECK_TITLE_READABLE_LENGTH = 120;
