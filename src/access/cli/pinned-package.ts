/**
 * What the validate workflow may install envbot from: only a source the operator names, pinned to
 * one build. The name `envbot` on the public npm registry is not envbot's (the package is never
 * published), so anyone could publish it: an unscoped name, a range or a branch is refused.
 *
 * - an exact version of a scoped package the operator publishes: `@acme/envbot@0.1.0` (a
 *   registry never lets a version change once published);
 * - a tarball built with `npm pack` (it carries the compiled dist/): an `https://` URL of one
 *   release, or a path in the repository, `./tools/envbot-0.1.0.tgz`.
 *
 * Git URLs are not among them: an install from Git builds envbot with its `prepare` script, which
 * `--ignore-scripts` (no dependency's install script runs in CI) leaves out.
 *
 * One POSIX extended regular expression that JavaScript reads the same way: the workflow's bash
 * (`[[ $ENVBOT_PACKAGE =~ $PINNED ]]`) and `envbot init --package` apply the same rule. It allows
 * no quote, space, `$` or `{`, so a spec it accepts is safe in a shell word and in YAML.
 */
export const PINNED_PACKAGE_PATTERN =
  "^(@[a-z0-9][a-z0-9._-]*/[a-z0-9][a-z0-9._-]*@[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.-]+)?" +
  "|https://[A-Za-z0-9.-]+(:[0-9]+)?/[A-Za-z0-9._~/%+=-]+\\.(tgz|tar\\.gz)" +
  "|\\./[A-Za-z0-9._/-]+\\.(tgz|tar\\.gz))$";

const PINNED = new RegExp(PINNED_PACKAGE_PATTERN);

export function isPinnedPackage(spec: string): boolean {
  return PINNED.test(spec);
}

/** What a person is told a pinned spec looks like (the workflow's error, `init --package`'s refusal); no quote or `$`, for the shell. */
export const PINNED_PACKAGE_FORMS = "an exact version of your own scoped package (@acme/envbot@0.1.0) or a tarball built by npm pack (https://.../envbot-0.1.0.tgz, ./tools/envbot-0.1.0.tgz)";
