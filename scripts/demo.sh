#!/usr/bin/env bash
# The README's main job: install, build, check the bundled examples and package the extension.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
npm run build
echo
echo "== tenant-policy check examples  (the example repo: expected clean)"
node dist/cli.js check examples --config examples/.tenant-policy.yaml
echo
echo "== tenant-policy check examples/mistakes  (deliberate errors: every kind of finding)"
status=0
node dist/cli.js check examples/mistakes --config examples/.tenant-policy.yaml || status=$?
if [ "$status" -ne 1 ]; then
  echo "expected exit code 1 (errors found) from the mistakes, got $status" >&2
  exit 1
fi
echo
npm run package
ls -l tenant-policy.vsix
