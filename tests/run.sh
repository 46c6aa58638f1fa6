#!/usr/bin/env bash
# The whole test suite: Rust unit and integration tests, then the browser
# tests when their tools are installed (.ci/run installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --all-targets
if [ -f tests/browser/package.json ]; then
  if [ -x /usr/bin/chromium ] && [ -d tests/browser/node_modules ]; then
    # `cargo test` above built the debug binary.
    bin="$(cd "${CARGO_TARGET_DIR:-target}" && pwd)/debug/detente"
    (cd tests/browser && DETENTE_BIN="$bin" npm test)
  elif [ "${CI:-}" = "true" ]; then
    echo "browser tests need /usr/bin/chromium and tests/browser/node_modules (run .ci/run)" >&2
    exit 1
  else
    echo "note: browser tests skipped: run 'apt-get install -y chromium' and 'npm ci --prefix tests/browser' to include them" >&2
  fi
fi
