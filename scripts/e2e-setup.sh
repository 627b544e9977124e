#!/usr/bin/env bash
# What the end-to-end tests need besides Debian packages: code-server 4.100.3 (real VS Code for the
# browser; the last release that runs on Node 20), installed by ../shared/tools/install-code-server.sh into
# a cache folder outside the repository (default /tmp/cs, or $CODE_SERVER_DIR). test/e2e finds it there
# (or through $CODE_SERVER). An existing install of the pinned version is kept (a second run takes no time).
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${CODE_SERVER_DIR:-/tmp/cs}"
version=4.100.3
bin="$dir/node_modules/.bin/code-server"
if [ -x "$bin" ] && "$bin" --version --config "$dir/probe-config.yaml" 2>/dev/null | grep -q "^$version "; then
  echo "code-server $version already in $dir"
  exit 0
fi
installer="../shared/tools/install-code-server.sh"
[ -f "$installer" ] || { echo "missing $installer (the offline code-server installer beside the repository)" >&2; exit 1; }
bash "$installer" "$dir" "$version" >/dev/null
echo "code-server $version installed in $dir"
