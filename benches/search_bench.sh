#!/usr/bin/env bash
# Search budgets on generated sites, measured in Chromium.
#
#   bash benches/search_bench.sh [SIZES...]      # default: 10000 100000
#
# Builds detente and gen_corpus in release, generates each corpus under
# target/bench/N/detente (as benches/bench.sh does, and reuses it), builds
# it into target/bench/N/search-site, and runs benches/search_bench.mjs
# on it (tests/browser's node_modules: run `npm ci` there first).
#
# Environment:
#   PAGEFIND=1   also index the 10,000-exchange site with `npx pagefind@1`
#                and measure it the same way (the default; 0 to skip)
#   WORD=w       the one-word query (default: ceasefire)
#   OUT_ROOT=dir build the sites under dir/N/ instead (e.g. /dev/shm)

set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
if [ "$#" -gt 0 ]; then SIZES=("$@"); else SIZES=(10000 100000); fi
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
BENCH=$ROOT/target/bench
WORD=${WORD:-ceasefire}

[ -d tests/browser/node_modules/playwright-core ] || (cd tests/browser && npm ci --no-audit --no-fund)
cargo build --release --bin detente --example gen_corpus
GEN=$TARGET_DIR/release/examples/gen_corpus
DETENTE=$TARGET_DIR/release/detente
STAMP_SRC=$(find benches/gen_corpus.rs benches/hugo -type f -print0 | sort -z | xargs -0 cat | sha256sum | cut -c1-16)

for n in "${SIZES[@]}"; do
    dir=$BENCH/$n
    stamp="n=$n seed=${SEED:-default} src=$STAMP_SRC"
    if ! { [ -f "$dir/.stamp" ] && [ "$(cat "$dir/.stamp")" = "$stamp" ]; }; then
        echo "==> corpus $n: generating" >&2
        mkdir -p "$dir"
        rm -f "$dir/.stamp"
        "$GEN" "$n" "$dir/detente" --hugo "$dir/hugo"
        echo "$stamp" >"$dir/.stamp"
    fi
    outs=${OUT_ROOT:+$OUT_ROOT/$n}
    site=${outs:-$dir}/search-site
    echo "==> building $n into $site" >&2
    "$DETENTE" build --root "$dir/detente" --output "$site" --force
    extra=()
    if [ "$n" = 10000 ] && [ "${PAGEFIND:-1}" = 1 ]; then
        echo "==> pagefind on $site" >&2
        rm -rf "$site/pagefind"
        /usr/bin/time -f "pagefind: %e s wall, %M KiB peak" npx --yes pagefind@1 --site "$site" >"$dir/pagefind.log" 2>&1 \
            || { tail -n 20 "$dir/pagefind.log" >&2; exit 1; }
        tail -n 1 "$dir/pagefind.log" >&2
        extra=(--pagefind)
    fi
    echo
    echo "## $n exchanges"
    node benches/search_bench.mjs "$site" --word "$WORD" "${extra[@]}"
    # The Pagefind index is not detente's: leave the output as detente wrote it.
    rm -rf "$site/pagefind"
done
