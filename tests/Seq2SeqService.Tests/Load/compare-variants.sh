#!/usr/bin/env bash
# Throughput of a bundle's fp32 and quantized (int8) graphs in one run: starts the built service twice (one
# process per variant, both loaded, only one busy at a time), then alternates load.sh bursts against them
# (greedy, CLIENTS requests in flight) and prints each burst and the median requests/s of each variant.
# Usage: dotnet build src/Seq2SeqService -c Release && compare-variants.sh [rounds] [requests per burst]
# BUNDLE=/path/to/bundle serves another bundle (default: the built-in default bundle); CLIENTS (default 64).
set -euo pipefail
rounds=${1:-5}
requests=${2:-512}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
# The build output sits under a runtime-identifier folder when the project names one.
dll=$(ls "$root"/src/Seq2SeqService/bin/Release/net10.0/Seq2SeqService.dll \
  "$root"/src/Seq2SeqService/bin/Release/net10.0/*/Seq2SeqService.dll 2>/dev/null | head -n 1 || true)
[[ -n "$dll" ]] || { echo "build first: dotnet build src/Seq2SeqService -c Release" >&2; exit 1; }
export CLIENTS=${CLIENTS:-64} CONCURRENT_ONLY=1 OPTIONS='{"num_beams": 1}'

work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
declare -A urls
for variant in fp32 quantized; do
  port=$(free_port)
  urls[$variant]="http://127.0.0.1:$port"
  Service__Models__Bundles__0__Variant=$variant ${BUNDLE:+Service__Models__Bundles__0__Path=$BUNDLE} \
    dotnet "$dll" --urls "${urls[$variant]}" > "$work/$variant.log" 2>&1 &
  pids+=($!)
done
for variant in fp32 quantized; do
  for _ in $(seq 600); do curl -sf "${urls[$variant]}/health/ready" > /dev/null && break; sleep 0.5; done
  curl -sf "${urls[$variant]}/models" | grep -q "\"variant\":\"$variant\"" || { echo "$variant did not start:" >&2; cat "$work/$variant.log" >&2; exit 1; }
done

echo "| round | variant | $requests requests, $CLIENTS in flight |"
echo "|---:|---|---|"
for round in $(seq "$rounds"); do
  for variant in fp32 quantized; do
    line=$(bash "$here/load.sh" "${urls[$variant]}" "$requests")
    echo "| $round | $variant | ${line##*:  } |"
    echo "$line" | sed -E 's/.* ([0-9.]+) requests\/s/\1/' >> "$work/$variant.rps"
  done
done
median() { sort -g "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
fp32=$(median "$work/fp32.rps")
quantized=$(median "$work/quantized.rps")
awk -v a="$fp32" -v b="$quantized" 'BEGIN { printf "median requests/s: fp32 %.1f, quantized %.1f, ratio %.2f\n", a, b, b / a }'
