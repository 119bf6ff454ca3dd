#!/usr/bin/env bash
# How soon a streamed long text shows its first sentence (not part of CI). Publishes the service (and, with a
# baseline revision, that revision too, from a temporary git worktree; both then run side by side, measured
# alternately). Each round: a lone one-sentence request (unary); a 200-sentence text as one streamed request
# (Accept: text/event-stream), timed to its first `sentence` event and to `done`, with the mean step time of its
# batches from seq2seq_step_duration_seconds over that request; the same text as one unary request. Prints each
# round and the medians.
# usage: tests/Seq2Seq.Benchmarks/streaming/first-sentence.sh [num_beams (default 1)] [baseline revision]
#   (ROUNDS=5 by default; needs dotnet, python3, git; run from anywhere)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
beams=${1:-1}
baseline=${2:-}
work=$(mktemp -d)
servers=()
cleanup() {
  for p in "${servers[@]}"; do kill "$p" 2>/dev/null || true; done
  [[ -n $baseline ]] && git -C "$repo" worktree remove --force "$work/baseline-src" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "# $(date -u +%FT%TZ) $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(git -C "$repo" rev-parse --short HEAD), num_beams $beams${baseline:+, baseline $baseline}"
targets=("current=$repo=5814")
if [[ -n $baseline ]]; then
  git -C "$repo" worktree add --detach "$work/baseline-src" "$baseline" > /dev/null 2>&1
  targets+=("baseline=$work/baseline-src=5815")
fi
ports=()
for target in "${targets[@]}"; do
  IFS== read -r name src port <<< "$target"
  dotnet publish "$src/src/Seq2SeqService" -c Release -o "$work/$name" > "$work/$name-publish.log"
  "$work/$name/Seq2SeqService" --urls "http://127.0.0.1:$port" > "$work/$name.log" 2>&1 &
  servers+=($!)
  ports+=("$name=$port")
done
for target in "${ports[@]}"; do
  until curl -sf -o /dev/null "http://127.0.0.1:${target#*=}/health/ready"; do sleep 0.1; done
done

python3 - "$repo/tests/Seq2Seq.Inference.Tests/Data/sentences.en.txt" "$beams" "${ROUNDS:-5}" "${ports[@]}" <<'PY'
import http.client, json, statistics, sys, time

path, beams, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
targets = [(t.split("=")[0], int(t.split("=")[1])) for t in sys.argv[4:]]
lines = [l.strip() for l in open(path, encoding="utf-8") if l.strip()][:200]
text = " ".join(lines)
options = {"num_beams": beams}

def post(port, body, accept="application/json"):
    c = http.client.HTTPConnection("127.0.0.1", port)
    c.request("POST", "/translate", json.dumps(body), {"Content-Type": "application/json", "Accept": accept})
    return c, c.getresponse()

def steps(port):
    c = http.client.HTTPConnection("127.0.0.1", port)
    c.request("GET", "/metrics")
    total = count = 0.0
    for line in c.getresponse().read().decode().splitlines():
        if line.startswith("seq2seq_step_duration_seconds_sum"):
            total += float(line.split()[-1])
        elif line.startswith("seq2seq_step_duration_seconds_count"):
            count += float(line.split()[-1])
    return total, count

def unary(port, body):
    t0 = time.perf_counter()
    c, r = post(port, body)
    r.read()
    assert r.status == 200, r.status
    return time.perf_counter() - t0

def streamed(port):
    t0 = time.perf_counter()
    # The raw socket is read line by line (chunk sizes interleave but never start with "event:"), so each event
    # is timed as it arrives; the connection stays open after `done`, so reading stops there.
    c, r = post(port, {"text": text, "options": options}, "text/event-stream")
    assert r.status == 200, r.status
    first, sentences = None, 0
    while line := r.fp.readline():
        if line.startswith(b"event: sentence"):
            sentences += 1
            first = first or time.perf_counter() - t0
        elif line.startswith(b"event: done"):
            break
    done = time.perf_counter() - t0
    c.close()
    assert sentences == len(lines), sentences
    return first, done

for name, port in targets:
    for _ in range(2):
        unary(port, {"text": lines[0], "options": options}); streamed(port)
rows = {name: [] for name, _ in targets}
for i in range(rounds):
    for name, port in targets:
        alone = unary(port, {"text": lines[0], "options": options})
        s0, n0 = steps(port)
        first, done = streamed(port)
        s1, n1 = steps(port)
        whole = unary(port, {"text": text, "options": options})
        rows[name].append((alone, first, done, (s1 - s0) / max(1, n1 - n0), whole))
        print(f"{name} round {i + 1}: lone {alone * 1000:.1f} ms; 200-sentence stream: first sentence {first * 1000:.1f} ms, "
              f"done {done * 1000:.0f} ms, mean step {rows[name][-1][3] * 1000:.2f} ms over {n1 - n0:.0f} steps; unary {whole * 1000:.0f} ms")
for name, values in rows.items():
    m = [statistics.median(r[k] for r in values) for k in range(5)]
    print(f"{name} median: lone {m[0] * 1000:.1f} ms, first sentence {m[1] * 1000:.1f} ms "
          f"(lone + one step {(m[0] + m[3]) * 1000:.1f} ms), stream done {m[2] * 1000:.0f} ms, step {m[3] * 1000:.2f} ms, "
          f"unary {m[4] * 1000:.0f} ms")
PY
