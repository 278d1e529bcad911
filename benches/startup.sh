#!/usr/bin/env bash
# Start-up, memory and idle benchmarks of the real window under Xvfb.
#
#   bash benches/startup.sh            # needs: xvfb, time (Debian packages)
#
# 1. First frame to screen: `tokenscope --screenshot` with the Keycloak paste
#    against a bare eframe window built the same way (glow, 1280x800) that
#    captures its first frame (examples/bare_window.rs). Target: <= 1.2x.
# 2. Memory: peak RSS of the same runs. Target: <= 1.3x the bare window.
# 3. Idle: CPU ticks and frames over 10 s with nothing time-dependent on
#    screen (target: 0 ticks, 0 frames) and with a countdown visible
#    (target: <= 1 frame per second).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-7}

cargo build --release --quiet --bin tokenscope --example bare_window
app=target/release/tokenscope
bare=target/release/examples/bare_window
paste=tests/fixtures/keycloak-login-error.log
out=$(mktemp -d)

if [ -z "${DISPLAY:-}" ]; then
  Xvfb :77 -screen 0 1920x1080x24 >/dev/null 2>&1 &
  xvfb=$!
  trap 'kill $xvfb 2>/dev/null; rm -rf "$out"' EXIT
  export DISPLAY=:77
  sleep 1
fi

# One run of a command that writes a screenshot to $2: appends to $out/$1
# the seconds from exec until the PNG was written (first frame on screen,
# captured), the seconds until the process exited, and the peak RSS (KiB).
run_once() {
  local name=$1 png=$2; shift 2
  rm -f "$png"
  local start
  start=$(date +%s.%N)
  /usr/bin/time -f "%e %M" -o "$out/$name.time" "$@" >/dev/null 2>&1
  local shot
  shot=$(stat -c %.9Y "$png")
  read -r wall rss < "$out/$name.time"
  echo "$(echo "$shot - $start" | bc -l) $wall $rss" >> "$out/$name"
}
# The medians of each column of $out/$1.
medians() {
  local median='sort -n | awk -v n='"$runs"' "NR==int((n+1)/2)"'
  echo "$(awk '{print $1}' "$out/$1" | eval "$median") $(awk '{print $2}' "$out/$1" | eval "$median") $(awk '{print $3}' "$out/$1" | eval "$median")"
}

# Bare and app runs alternate, so a machine that slows down or speeds up
# during the benchmark (a shared VM, a thermal limit) weighs on both alike.
: > "$out/bare"
: > "$out/app"
for _ in $(seq "$runs"); do
  run_once bare "$out/bare.png" "$bare" "$out/bare.png"
  run_once app "$out/app.png" "$app" --screenshot "$out/app.png" --paste "$paste" --now 1795474206 --utc
done
read -r bare_f bare_t bare_m < <(medians bare)
read -r app_f app_t app_m < <(medians app)
awk -v bf="$bare_f" -v bt="$bare_t" -v bm="$bare_m" -v af="$app_f" -v at="$app_t" -v am="$app_m" 'BEGIN {
  printf "first frame on screen: bare %.3f s, tokenscope %.3f s: %.2fx (target <= 1.2x)\n", bf, af, af/bf
  printf "until exit:            bare %.3f s, tokenscope %.3f s: %.2fx\n", bt, at, at/bt
  printf "peak RSS: bare %.0f MiB, tokenscope %.0f MiB: %.2fx (target <= 1.3x)\n", bm/1024, am/1024, am/bm
}'

# Idle: CPU ticks (utime+stime) from second 2 to second 12 of a 12 s run;
# frames drawn in those 10 s are the difference between a 12 s and a 2 s run
# (start-up draws a few frames either way).
frames_after() {
  local seconds=$1; shift
  "$app" --quit-after "$seconds" --report-frames "$@" 2>&1 >/dev/null | sed -n 's/^frames: //p'
}
idle() {
  local label=$1; shift
  "$app" --quit-after 12 "$@" >/dev/null 2>&1 &
  local pid=$!
  sleep 2
  local t0 t1
  t0=$(awk '{print $14+$15}' "/proc/$pid/stat")
  sleep 10
  t1=$(awk '{print $14+$15}' "/proc/$pid/stat" 2>/dev/null || echo "$t0")
  wait "$pid" || true
  local long short
  long=$(frames_after 12 "$@")
  short=$(frames_after 2 "$@")
  echo "idle, $label: $((t1 - t0)) CPU ticks and $((long - short)) frames in 10 s"
}
idle "nothing time-dependent on screen (target: 0 ticks, 0 frames)"
idle "countdown visible (target: <= 10 frames)" --paste "$paste"
