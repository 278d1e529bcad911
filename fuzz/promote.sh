#!/usr/bin/env bash
# Copies every crash and hang that fuzz/run.sh campaigns found (in
# fuzz/out/, git-ignored) into fuzz/crashes/TARGET/, where `cargo test`
# replays them (tests/core/fuzz_replay.rs). Files are named by the SHA-256
# of their content, so promoting twice copies nothing twice.
#
#   fuzz/promote.sh [TARGET...]     (default: every target with output)
set -euo pipefail
cd "$(dirname "$0")"

if [ $# -gt 0 ]; then
  targets=("$@")
else
  targets=()
  for dir in out/*/; do
    [ -d "$dir" ] && targets+=("$(basename "$dir")")
  done
fi

copied=0
for target in "${targets[@]}"; do
  for kind in crashes hangs; do
    for file in out/"$target"/*/*/"$kind"/id:*; do
      [ -f "$file" ] || continue
      sum=$(sha256sum "$file" | cut -c1-16)
      name="$kind-$sum"
      mkdir -p "crashes/$target"
      if [ ! -e "crashes/$target/$name" ]; then
        cp "$file" "crashes/$target/$name"
        echo "crashes/$target/$name  <- $file"
        copied=$((copied + 1))
      fi
    done
  done
done
echo "$copied new input(s) promoted"
