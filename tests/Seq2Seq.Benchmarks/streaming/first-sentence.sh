#!/usr/bin/env bash
# How soon a streamed long text shows its first sentence (not part of CI). Publishes the service, then alternates,
# ROUNDS times (default 5): a lone one-sentence request (unary), and a 200-sentence text as one streamed request
# (Accept: text/event-stream), reading the time to its first `sentence` event and to `done`, and the mean step
# time of its batches from seq2seq_step_duration_seconds over that request. Prints each round and the medians.
# usage: tests/Seq2Seq.Benchmarks/streaming/first-sentence.sh [num_beams]   (needs dotnet, python3)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
beams=${1:-1}
port=${PORT:-5814}
work=$(mktemp -d)
server=
cleanup() { [[ -n $server ]] && kill "$server" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

echo "# $(date -u +%FT%TZ) $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(git -C "$repo" rev-parse --short HEAD), num_beams $beams"
dotnet publish "$repo/src/Seq2SeqService" -c Release -o "$work/service" > "$work/publish.log"
"$work/service/Seq2SeqService" --urls "http://127.0.0.1:$port" > "$work/server.log" 2>&1 &
server=$!
until curl -sf -o /dev/null "http://127.0.0.1:$port/health/ready"; do
  kill -0 "$server" 2>/dev/null || { echo "the service exited:"; cat "$work/server.log"; exit 1; }
  sleep 0.05
done

python3 - "$repo/tests/Seq2Seq.Inference.Tests/Data/sentences.en.txt" "$port" "$beams" "${ROUNDS:-5}" <<'PY'
import http.client, json, statistics, sys, time

path, port, beams, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
lines = [l.strip() for l in open(path, encoding="utf-8") if l.strip()][:200]
options = {"num_beams": beams}

def step_sum():
    c = http.client.HTTPConnection("127.0.0.1", port)
    c.request("GET", "/metrics")
    text = c.getresponse().read().decode()
    total = count = 0.0
    for line in text.splitlines():
        if line.startswith("seq2seq_step_duration_seconds_sum"):
            total += float(line.split()[-1])
        elif line.startswith("seq2seq_step_duration_seconds_count"):
            count += float(line.split()[-1])
    return total, count

def lone(text):
    c = http.client.HTTPConnection("127.0.0.1", port)
    t0 = time.perf_counter()
    c.request("POST", "/translate", json.dumps({"text": text, "options": options}), {"Content-Type": "application/json"})
    r = c.getresponse()
    r.read()
    assert r.status == 200, r.status
    return time.perf_counter() - t0

def streamed(text):
    c = http.client.HTTPConnection("127.0.0.1", port)
    t0 = time.perf_counter()
    # The raw socket is read line by line (chunk sizes interleave but never start with "event:"), so each event
    # is timed as it arrives rather than when a buffered reader's chunk completes.
    c.request("POST", "/translate", json.dumps({"text": text, "options": options}),
              {"Content-Type": "application/json", "Accept": "text/event-stream"})
    r = c.getresponse()
    assert r.status == 200, r.status
    first = done = None
    sentences = 0
    while True:
        line = r.fp.readline()
        if not line:
            break
        if line.startswith(b"event: sentence"):
            sentences += 1
            if first is None:
                first = time.perf_counter() - t0
        elif line.startswith(b"event: done"):
            done = time.perf_counter() - t0
            break
    c.close()
    assert sentences == len(lines), sentences
    return first, done

text = " ".join(lines)
for _ in range(2):
    lone(lines[0]); streamed(text)
rows = []
for i in range(rounds):
    alone = lone(lines[0])
    s0, n0 = step_sum()
    first, done = streamed(text)
    s1, n1 = step_sum()
    step = (s1 - s0) / (n1 - n0)
    rows.append((alone, first, done, step))
    print(f"round {i + 1}: lone one-sentence {alone * 1000:.1f} ms; 200-sentence stream: first sentence {first * 1000:.1f} ms, "
          f"done {done * 1000:.0f} ms, mean step {step * 1000:.2f} ms over {n1 - n0:.0f} steps")
med = [statistics.median(r[k] for r in rows) for k in range(4)]
print(f"median: lone {med[0] * 1000:.1f} ms, first sentence {med[1] * 1000:.1f} ms, done {med[2] * 1000:.0f} ms, "
      f"step {med[3] * 1000:.2f} ms; first sentence - (lone + one step) = {(med[1] - med[0] - med[3]) * 1000:+.1f} ms")
PY
