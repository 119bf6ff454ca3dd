#!/usr/bin/env bash
# How to spend the cores: one service per configuration (lanes x intra-op threads), all up at once, measured
# alternately with ../peer/load.mjs (greedy, one dev sentence per request) at 1 and 64 clients.
# usage: tests/Seq2Seq.Benchmarks/scheduling/cores.sh [rounds (default 3)] [configs (default "1x1 1x2 2x1")]
set -euo pipefail
rounds=${1:-3}
configs=${2:-"1x1 1x2 2x1"}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
sentences=$repo/tests/Seq2Seq.Inference.Tests/Data/sentences.en.txt
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
echo "# $(date -u +%FT%TZ) $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); config = lanes x intra-op threads"
dotnet publish "$repo/src/Seq2SeqService" -c Release -o "$work/service" > "$work/publish.log"
port=5830
declare -A ports
for c in $configs; do
  port=$((port + 1)); ports[$c]=$port
  Service__Models__Bundles__0__Path=$repo/models/marian-tatoeba-en-fr Service__Batching__Lanes=${c%x*} \
    Service__Models__IntraOpThreads=${c#*x} Serilog__MinimumLevel__Default=Warning \
    dotnet "$work/service/Seq2SeqService.dll" --urls "http://127.0.0.1:$port" > "$work/$c.log" 2>&1 &
  pids+=($!)
done
for c in $configs; do until curl -sf -o /dev/null "http://127.0.0.1:${ports[$c]}/health/ready"; do sleep 0.1; done; done
for c in $configs; do node "$here/../peer/load.mjs" "http://127.0.0.1:${ports[$c]}/translate" 64 256 "$sentences" > /dev/null; done
for clients in 1 64; do
  requests=$(( clients == 1 ? 100 : 1024 ))
  for ((r = 1; r <= rounds; r++)); do
    for c in $configs; do
      echo "$c $(node "$here/../peer/load.mjs" "http://127.0.0.1:${ports[$c]}/translate" "$clients" "$requests" "$sentences" '{"num_beams": 1}')"
    done
    configs=$(echo "$configs" | awk '{ for (i = NF; i > 0; i--) printf "%s%s", $i, (i > 1 ? " " : "\n") }')
  done
done
