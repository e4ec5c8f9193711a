/** A notification target's name, as the API and the CLI take it (team-slack, audit.hook). */
export const TARGET_PATTERN = /^[a-z][a-z0-9.-]{0,62}$/;
