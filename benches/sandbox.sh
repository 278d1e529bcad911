#!/usr/bin/env bash
# Latency and throughput of the built-in sandbox provider's token endpoint.
#
#   bash benches/sandbox.sh            # needs: node >= 20 (fetch)
#
# Starts `tokenscope sandbox` (release build) on a free loopback port and
# sends client credentials requests from Node: first one keep-alive client
# sequentially (median and p95 latency), then 8 concurrent clients
# (requests per second). The answer is a signed JWT access token (EdDSA).
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${REQUESTS:-2000}

cargo build --release --quiet --bin tokenscope
out=$(mktemp -d)
target/release/tokenscope sandbox --personality generic --port 0 > "$out/line" &
sandbox=$!
trap 'kill $sandbox 2>/dev/null; rm -rf "$out"' EXIT
for _ in $(seq 100); do
  [ -s "$out/line" ] && break
  sleep 0.05
done

REQUESTS=$requests node --input-type=module - "$out/line" <<'JS'
import { readFileSync } from 'node:fs';
const info = JSON.parse(readFileSync(process.argv[2], 'utf8').split('\n')[0]);
const body = new URLSearchParams({ grant_type: 'client_credentials', scope: 'api' });
const basic = Buffer.from(`${encodeURIComponent(info.client_id)}:${encodeURIComponent(info.client_secret)}`).toString('base64');
const ask = async () => {
  const res = await fetch(info.endpoints.token, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  const json = await res.json();
  if (!json.access_token) throw new Error(JSON.stringify(json));
};
const n = Number(process.env.REQUESTS);
for (let i = 0; i < 50; i++) await ask(); // warm-up
const times = [];
for (let i = 0; i < n; i++) {
  const t = performance.now();
  await ask();
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
const start = performance.now();
let left = n;
await Promise.all(Array.from({ length: 8 }, async () => {
  while (left-- > 0) await ask();
}));
const rate = n / ((performance.now() - start) / 1000);
console.log(`sandbox token endpoint, client credentials: median ${at(0.5).toFixed(2)} ms, p95 ${at(0.95).toFixed(2)} ms (${n} sequential requests); ${rate.toFixed(0)} requests/s with 8 clients`);
JS
