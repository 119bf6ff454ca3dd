#!/usr/bin/env bash
# A DeepL-size request with the default settings (not part of CI): 128 KiB of English as 64 texts, num_beams 8,
# while short one-sentence requests go one after another; then the same request again with SIGTERM sent while it
# runs. Reports the big request's status and time, the short requests' p50/p95 and, for the SIGTERM run, the
# status of every request that was accepted (each must be 200 or 503) and the exit code.
# usage: tests/Seq2Seq.Benchmarks/scheduling/document-size.sh   (needs dotnet, node, python3; run from anywhere)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
sentences=$repo/tests/Seq2Seq.Inference.Tests/Data/sentences.en.txt
port=${PORT:-5813}
work=$(mktemp -d)
server=
cleanup() { [[ -n $server ]] && kill "$server" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

echo "# $(date -u +%FT%TZ) $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(git -C "$repo" rev-parse --short HEAD)"
dotnet publish "$repo/src/Seq2SeqService" -c Release -o "$work/service" > "$work/publish.log"
cp "$repo/tests/Seq2Seq.Benchmarks/peer/load.mjs" "$work/"
python3 - "$sentences" > "$work/big.json" <<'PY'
import json, sys
lines = [l.strip() for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
texts, n = [], 0
for t in range(64):
    text = ""
    while len((text + " " + lines[n % len(lines)]).encode()) <= 2048:
        text = (text + " " + lines[n % len(lines)]).strip()
        n += 1
    texts.append(text)
print(json.dumps({"texts": texts, "options": {"num_beams": 8}}))
PY
echo "big request: $(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(sum(len(t.encode()) for t in d['texts']), 'bytes of text in', len(d['texts']), 'texts')" "$work/big.json")"

start_server() {
  "$work/service/Seq2SeqService" --urls "http://127.0.0.1:$port" > "$work/server.log" 2>&1 &
  server=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$port/health/ready"; do
    kill -0 "$server" 2>/dev/null || { echo "the service exited:"; cat "$work/server.log"; exit 1; }
    sleep 0.05
  done
}
big() { # -> writes "status seconds" to $1
  local t0; t0=$(date +%s.%N)
  local code; code=$(curl -s -o "$work/big.out" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary "@$work/big.json" "http://127.0.0.1:$port/translate" || echo 000)
  echo "$code $(awk -v s="$t0" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')" > "$1"
}

echo "## the big request beside short ones"
start_server
big "$work/big1" &
bigpid=$!
until curl -s "http://127.0.0.1:$port/metrics" | grep -Eq '^seq2seq_queue_admitted({})? [1-9]'; do sleep 0.05; done
short=$(cd "$work" && node load.mjs "http://127.0.0.1:$port/translate" 1 100 "$sentences")
running=$(kill -0 "$bigpid" 2>/dev/null && echo yes || echo no)
wait "$bigpid"
echo "100 short requests one after another: $short (big request still running after them: $running)"
echo "big request: status and seconds $(cat "$work/big1")"
python3 - "$work/big.json" "$work/big.out" <<'PY'
import json, sys
sent = json.load(open(sys.argv[1]))["texts"]
got = [t["text"] for t in json.load(open(sys.argv[2]))["translations"]]
print(f"texts back: {len(got)} of {len(sent)}; empty: {sum(1 for t in got if not t.strip())}")
PY

echo "## SIGTERM while the big request and short ones run"
big "$work/big2" &
bigpid=$!
until curl -s "http://127.0.0.1:$port/metrics" | grep -Eq '^seq2seq_queue_admitted({})? [1-9]'; do sleep 0.05; done
# The bodies are written first, so the 20 requests go out at once rather than behind 20 Python start-ups on a busy
# machine (which once left them connecting after the service had exited: "Couldn't connect", never accepted).
python3 - "$sentences" "$work" <<'PY'
import json, sys
lines = [l.strip() for l in open(sys.argv[1], encoding="utf-8") if l.strip()][:20]
for i, line in enumerate(lines):
    open(f"{sys.argv[2]}/short2body.{i}", "w", encoding="utf-8").write(json.dumps({"text": line}))
PY
for i in $(seq 0 19); do
  curl -sS -o /dev/null -w '%{http_code}\n' -H 'Content-Type: application/json' --data-binary "@$work/short2body.$i" \
    "http://127.0.0.1:$port/translate" > "$work/short2.$i" 2> "$work/short2err.$i" || echo 000 > "$work/short2.$i" &
done
sleep 1
kill -TERM "$server"
set +e
wait "$server"; code=$?
set -e
server=
wait
echo "exit code $code; big request: status and seconds $(cat "$work/big2"); 20 short requests sent just before: $(cat "$work"/short2.? "$work"/short2.?? | sort | uniq -c | tr '\n' ' ')"
cat "$work"/short2err.* | sort | uniq -c
