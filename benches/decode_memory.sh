#!/usr/bin/env bash
# Peak memory (and time) of `tokenscope decode FILE`, release build, on
# 10 MB pastes of the worst shapes we know and on a realistic 10 MB log
# (issue 13). Target: under 256 MB and under 1 s each. CPU time is the
# fairer figure on a shared machine: wall time counts the other loads too.
#
#   bash benches/decode_memory.sh      # needs: time (Debian package), python3
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/time ]; then
  apt-get install -y time >/dev/null
fi
cargo build --release --quiet --bin tokenscope
bin=target/release/tokenscope
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

python3 - "$dir" <<'PY'
import base64, json, os, sys
out = sys.argv[1]
MB = 1024 * 1024
def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
def flood(name, piece, size=10 * MB):
    with open(os.path.join(out, name), "w", encoding="utf-8") as f:
        f.write(piece * (size // len(piece.encode()) + 1))
# A day of service logs: a distinct token every 5,200 bytes among log lines.
header = b64(b'{"alg":"RS256","typ":"JWT","kid":"kc-rsa-1"}')
filler = '2026-11-25 07:00:00.123 INFO  [http-nio-8080-exec-7] o.e.api.Handler - GET /api/v1/accounts 200 12 ms {"trace":"4bf92f3577b34da6"}\n'
lines, size, i = [], 0, 0
while size < 10 * MB:
    claims = json.dumps({"exp": 1795389606, "iat": 1795387806, "jti": f"{i:08}", "sub": "19942df0", "scope": "openid", "name": "Анна Смирнова"}, ensure_ascii=False)
    token = f"{header}.{b64(claims.encode())}.{b64(i.to_bytes(8, 'big') * 32)}"
    line = [f'Response body: {{"access_token":"{token}","expires_in":1800}}\n',
            f'curl -H "Authorization: Bearer {token}" https://api.example.test/me\n',
            f"token={token}\n"][i % 3]
    lines.append(line)
    size += len(line.encode())
    i += 1
    while size < i * 5200:
        lines.append(filler)
        size += len(filler)
with open(os.path.join(out, "realistic-log"), "w", encoding="utf-8") as f:
    f.write("".join(lines))
flood("error-flood-one-line", "error=x ")
flood("error-lines", "error=x\n")
flood("eyJ-flood", "eyJ")
flood("quote-flood", '"')
flood("bearer-flood", "Bearer ")
flood("brace-nesting", "{")
flood("bracket-nesting", "[")
flood("object-nesting", '{"a":')
flood("access-token-form-word", "access_token=x&")
flood("cyrillic-words", "Токен истёк, доступ запрещён \u200f😀 ")
with open(os.path.join(out, "one-5mb-line"), "w") as f:
    f.write("eyJhbGciOiJSUzI1NiJ9." + "A" * (5 * MB) + ".c2ln\n")
with open(os.path.join(out, "wrapped-100k-lines"), "w") as f:
    f.write("\n".join(["eyJhbGciOiJSUzI1NiJ9" + "A" * 40] * 100_000) + "\n")
# Same-width lines that each hold a JWT's header and the start of its
# payload, then the same with a hyphen at every line end: each line looks
# like a hard-wrapped token and like the start of a wrapped SD-JWT tail.
jwt_start = (b64(b'{"alg":"RS256","typ":"JWT"}') + "." + b64('{"sub":"19942df0","name":"Анна Смирнова"}'.encode()))[:76]
flood("same-width-jwt-starts", jwt_start + "\n")
flood("same-width-hyphenated", jwt_start[:60] + "-\n")
PY

printf '| paste | size | peak memory | wall time | CPU time | exit |\n|---|---|---|---|---|---|\n'
for file in "$dir"/*; do
  rc=0
  /usr/bin/time -f '%M %e %U %S' -o "$dir/.time" "$bin" decode "$file" --now 1795387806 >/dev/null 2>&1 || rc=$?
  read -r kilobytes seconds user system < <(tail -n 1 "$dir/.time")
  bytes=$(stat -c %s "$file")
  awk -v name="$(basename "$file")" -v bytes="$bytes" -v kb="$kilobytes" -v s="$seconds" \
    -v cpu="$(awk -v u="$user" -v k="$system" 'BEGIN { print u + k }')" -v rc="$rc" \
    'BEGIN { printf "| %s | %.1f MB | %.0f MB | %.2f s | %.2f s | %s |\n", name, bytes / 1048576, kb / 1024, s, cpu, rc }'
done
