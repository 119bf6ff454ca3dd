#!/usr/bin/env bash
# How soon a streamed long text shows its first sentence (not part of CI). Publishes the service (and, with a
# baseline revision, that revision too, from a temporary git worktree; both then run side by side, measured
# alternately). Each round: a lone one-sentence request (unary); a 200-sentence text as one streamed request
# (Accept: text/event-stream), timed to its first `sentence` event and to `done`; the same text as one unary request.
# The bar for the first sentence is the lone request plus one step of the batches carrying the other rows: the mean
# of seq2seq_step_duration_seconds over the streamed request's steps less the lone request's own (same sentence,
# same settings: the first sentence's steps when it runs alone), read from /metrics around each request. Prints each
# round and the medians.
# usage: tests/Seq2Seq.Benchmarks/streaming/first-sentence.sh [num_beams (default 1)] [baseline revision]
#   (ROUNDS=5 by default; PUBLISH=0 runs `dotnet build` outputs instead of published ones, minutes less to prepare
#   on a loaded machine: fully optimized JIT code, the same scheduling; needs dotnet, python3, git; run from anywhere)
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

echo "# $(date -u +%FT%TZ) $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(git -C "$repo" rev-parse --short HEAD), num_beams $beams${baseline:+, baseline $baseline}${PUBLISH:+, PUBLISH=$PUBLISH}"
targets=("current=$repo=5814")
if [[ -n $baseline ]]; then
  git -C "$repo" worktree add --detach "$work/baseline-src" "$baseline" > /dev/null 2>&1
  targets+=("baseline=$work/baseline-src=5815")
fi
ports=()
for target in "${targets[@]}"; do
  IFS== read -r name src port <<< "$target"
  if [[ ${PUBLISH:-1} == 0 ]]; then
    dotnet build "$src/src/Seq2SeqService" -c Release -o "$work/$name" > "$work/$name-publish.log" || { cat "$work/$name-publish.log"; exit 1; }
  else
    dotnet publish "$src/src/Seq2SeqService" -c Release -o "$work/$name" > "$work/$name-publish.log" || { cat "$work/$name-publish.log"; exit 1; }
  fi
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
    c.close()
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

def ms(seconds):
    return f"{seconds * 1000:.1f} ms"

for name, port in targets:
    for _ in range(2):
        unary(port, {"text": lines[0], "options": options}); streamed(port)
rows = {name: [] for name, _ in targets}
for i in range(rounds):
    for name, port in targets:
        l0 = steps(port)
        alone = unary(port, {"text": lines[0], "options": options})
        s0 = steps(port)
        first, done = streamed(port)
        s1 = steps(port)
        whole = unary(port, {"text": text, "options": options})
        lone_time, lone_steps = s0[0] - l0[0], s0[1] - l0[1]
        other = s1[1] - s0[1] - lone_steps
        step = (s1[0] - s0[0] - lone_time) / other
        bar = alone + step
        rows[name].append((alone, first, bar, step, done, whole, first <= bar))
        print(f"{name} round {i + 1}: lone {ms(alone)} ({lone_steps:.0f} steps); 200-sentence stream: first sentence "
              f"{ms(first)} against lone + one step {ms(bar)} ({'within' if first <= bar else 'over'}; the other rows' "
              f"step {step * 1000:.2f} ms over {other:.0f} steps), done {done * 1000:.0f} ms; unary {whole * 1000:.0f} ms")
for name, values in rows.items():
    m = [statistics.median(r[k] for r in values) for k in range(6)]
    print(f"{name} median: lone {ms(m[0])}, first sentence {ms(m[1])} against lone + one step {ms(m[2])} "
          f"(within in {sum(r[6] for r in values)} of {len(values)} rounds), step {m[3] * 1000:.2f} ms, "
          f"stream done {m[4] * 1000:.0f} ms, unary {m[5] * 1000:.0f} ms")
PY
