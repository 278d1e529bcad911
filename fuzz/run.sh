#!/usr/bin/env bash
# One AFL++ campaign of one target, on the stable toolchain (cargo-afl).
#
#   fuzz/run.sh TARGET [EXECS]          stop after EXECS executions (default 1000000)
#   fuzz/run.sh TARGET --seconds N      stop after N seconds
#
# Builds the targets with `cargo afl build --release`, fuzzes TARGET from
# fuzz/corpus/TARGET/ with one nice'd afl-fuzz instance (the machine is
# shared), writes to fuzz/out/TARGET/<UTC time>/ (git-ignored) and prints
# execs_done, saved_crashes and saved_hangs. fuzz/promote.sh copies what it
# found into fuzz/crashes/TARGET/.
set -euo pipefail
cd "$(dirname "$0")"

targets=(paste jose token_response discovery keys profile_import loopback_request sandbox_request pasted_error vc_issuer_metadata)
usage() {
  echo "usage: fuzz/run.sh TARGET [EXECS | --seconds N]; TARGET is one of: ${targets[*]}" >&2
  exit 2
}
[ $# -ge 1 ] || usage
target=$1
shift
[[ " ${targets[*]} " == *" $target "* ]] || usage
limit=(-E 1000000)
case "${1:-}" in
  "") ;;
  --seconds)
    [[ "${2:-}" =~ ^[0-9]+$ ]] || usage
    limit=(-V "$2") ;;
  *)
    [[ "$1" =~ ^[0-9]+$ ]] || usage
    limit=(-E "$1") ;;
esac

nice -n 19 cargo afl build --release --locked --bin "$target"

out="out/$target/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
# AFL_SKIP_CPUFREQ: no CPU governor to tune here; AFL_NO_AFFINITY: the
# cores are shared, do not pin one; AFL_NO_UI: plain status lines, and -E/-V
# make it stop by itself. -t: an input taking over a second is a hang (the
# issue's bound); -m: an input needing over 2 GB of address space is a crash.
AFL_SKIP_CPUFREQ=1 \
AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
AFL_NO_AFFINITY=1 \
AFL_NO_UI=1 \
  nice -n 19 cargo afl fuzz -i "corpus/$target" -o "$out" "${limit[@]}" -t 1000 -m 2048 \
    -- "target/release/$target" >"$out/afl-fuzz.log" 2>&1 || {
  echo "afl-fuzz failed; the end of $out/afl-fuzz.log:" >&2
  tail -n 30 "$out/afl-fuzz.log" >&2
  exit 1
}

stats="$out/default/fuzzer_stats"
echo "target: $target"
echo "output: fuzz/$out"
for field in execs_done saved_crashes saved_hangs run_time execs_per_sec corpus_count stability; do
  grep -E "^$field +:" "$stats" | sed -E 's/ +: /: /'
done
