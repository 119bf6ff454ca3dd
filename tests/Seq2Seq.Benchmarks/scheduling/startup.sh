#!/usr/bin/env bash
# Start-up and warm-up: for each runtime setting, a fresh service process: time to ready, then the first 512
# requests with 64 clients, then 1024 more (steady state); greedy, one dev sentence per request.
# usage: tests/Seq2Seq.Benchmarks/scheduling/startup.sh [rounds (default 2)] [settings (default below)]
set -euo pipefail
rounds=${1:-2}
settings=${2:-"default DOTNET_TieredPGO=0 DOTNET_TieredCompilation=0"}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
sentences=$repo/tests/Seq2Seq.Inference.Tests/Data/sentences.en.txt
work=$(mktemp -d)
pid=
cleanup() { [[ -n $pid ]] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
echo "# $(date -u +%FT%TZ) $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet publish "$repo/src/Seq2SeqService" -c Release -o "$work/service" > "$work/publish.log"
url=http://127.0.0.1:5841
for ((r = 1; r <= rounds; r++)); do
  for s in $settings; do
    start=$(date +%s.%N)
    env $([[ $s == default ]] || echo "$s") Service__Models__Bundles__0__Path="$repo/models/marian-tatoeba-en-fr" \
      Serilog__MinimumLevel__Default=Warning dotnet "$work/service/Seq2SeqService.dll" --urls "$url" > "$work/log" 2>&1 &
    pid=$!
    until curl -sf -o /dev/null "$url/health/ready"; do sleep 0.02; done
    ready=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2f", e - s }')
    first=$(node "$here/../peer/load.mjs" "$url/translate" 64 512 "$sentences" '{"num_beams": 1}')
    steady=$(node "$here/../peer/load.mjs" "$url/translate" 64 1024 "$sentences" '{"num_beams": 1}')
    echo "$s ready ${ready}s first512 $(echo "$first" | sed 's/.*"rps":\([0-9.]*\).*/\1/') req/s steady $(echo "$steady" | sed 's/.*"rps":\([0-9.]*\).*/\1/') req/s"
    kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
  done
done
