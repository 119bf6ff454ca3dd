#!/usr/bin/env bash
# Peer benchmark (not part of CI): this service against transformers.js 4.3.1 serving the same default bundle,
# both up at once, measured alternately with the same closed-loop keep-alive load generator (load.mjs): 1, 8
# and 64 clients, greedy, one dev sentence per request. Then the mixed workload on this service: one request
# of 48 texts x ~60 sentences with num_beams 8 while 20 short requests go one after another, then 64 clients.
# The big request's estimated work (2,880 sentences x 8 beams x max_new_tokens) is far over the default
# Service:Limits:MaxRequestWork and Service:Queue:MaxQueuedWork, which refuse it with 413 by design
# (docs/reliability.md); this service therefore runs with both caps raised, which changes nothing for the
# one-sentence requests.
# Each peer line ends with the useful GFLOP/s (req/s x useful MFLOP per request, both servers translating the same
# sentences with the same graphs) and its share of a float32 GEMM of the model's shapes measured by this run on the
# same cores before the load (the engine benchmark's `flops` command; docs/performance.md#useful-gflops).
# This service serves what the bundle's Variant setting chooses (auto: its static int8 graphs); the peer runs the
# float graphs, or with PEER_DTYPE=q8 the same int8 files (transformers.js's name for *_quantized.onnx).
# usage: [PEER_DTYPE=fp32|q8] tests/Seq2Seq.Benchmarks/peer/run.sh [rounds (default 3)] [phases (default "peer mixed")]
#   (needs dotnet, node, npm; run from anywhere)
set -euo pipefail
rounds=${1:-3}
phases=${2:-"peer mixed"}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
bundle=$repo/models/marian-tatoeba-en-fr
sentences=$repo/tests/Seq2Seq.Inference.Tests/Data/sentences.en.txt
ours_port=${OURS_PORT:-5811}
peer_port=${PEER_PORT:-5812}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

echo "# $(date -u +%FT%TZ) $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
(cd "$work" && npm init -y > /dev/null && npm install --no-audit --no-fund @huggingface/transformers@4.3.1 > npm.log 2>&1)
cp "$here/peer-server.mjs" "$here/load.mjs" "$work/"
# transformers.js expects the json/tokenizer files in the model folder and the graphs under onnx/.
mkdir -p "$work/models/default/onnx"
for f in config.json generation_config.json tokenizer.json tokenizer_config.json special_tokens_map.json vocab.json source.spm target.spm; do
  ln -s "$bundle/$f" "$work/models/default/$f"
done
for f in encoder_model decoder_model_merged encoder_model_quantized decoder_model_merged_quantized; do
  ln -s "$bundle/$f.onnx" "$work/models/default/onnx/$f.onnx"
done
dotnet publish "$repo/src/Seq2SeqService" -c Release -o "$work/service" > "$work/publish.log"

wait_ready() { # url, pid -> seconds from now until 200
  local start; start=$(date +%s.%N)
  until curl -sf -o /dev/null "$1"; do kill -0 "$2" || { echo "server exited" >&2; exit 1; }; sleep 0.02; done
  awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2f", e - s }'
}

Service__Models__Bundles__0__Path=$bundle Service__Limits__MaxRequestWork=100000000 \
  Service__Queue__MaxQueuedWork=100000000 "$work/service/Seq2SeqService" --urls "http://127.0.0.1:$ours_port" \
  > "$work/ours.log" 2>&1 &
pids+=($!)
# wait_ready's exit ends only its command substitution, so a server that exits stops the run here, with its log.
ready=$(wait_ready "http://127.0.0.1:$ours_port/health/ready" "${pids[-1]}") || { cat "$work/ours.log" >&2; exit 1; }
echo "ours: time to ready $ready s, $(curl -s "http://127.0.0.1:$ours_port/models" | grep -o '"variant":"[a-z0-9]*"' | head -1); peer dtype ${PEER_DTYPE:-fp32}"
(cd "$work" && exec node peer-server.mjs "$work/models" default "$peer_port" "${PEER_DTYPE:-fp32}" > "$work/peer.log" 2>&1) &
pids+=($!)
ready=$(wait_ready "http://127.0.0.1:$peer_port/ready" "${pids[-1]}") || { cat "$work/peer.log" >&2; exit 1; }
echo "peer: time to ready $ready s"

flops=$(dotnet run -c Release --project "$repo/tests/Seq2Seq.Benchmarks" -- flops --bundle "$bundle" --sentences "$sentences")
echo "$flops"
read -r mflop gemm < <(awk '$1 == "mflop_per_request" { m = $2 } $1 == "gemm_gflops" { g = $2 } END { print m, g }' <<< "$flops")
echo "useful work: $mflop MFLOP per request; GEMM reference $gemm GFLOP/s ($(nproc) lanes x 1 thread)"

greedy='{"num_beams": 1}'
load() { (cd "$work" && node load.mjs "$@"); }
useful() { # a load.mjs JSON line -> the same line, then useful GFLOP/s and its share of the GEMM reference
  awk -v m="$mflop" -v g="$gemm" '{ match($0, /"rps":[0-9.]+/); r = substr($0, RSTART + 6, RLENGTH - 6)
    printf "%s useful %.1f GFLOP/s (%.0f %% of GEMM)\n", $0, r * m / 1000, 100 * r * m / 1000 / g }'
}
echo "## first 512 requests after ready, 64 clients (ours), then steady state"
load "http://127.0.0.1:$ours_port/translate" 64 512 "$sentences" "$greedy"
for clients in $([[ $phases == *peer* ]] && echo 1 8 64); do
  # At 64 clients ours needs ~2 s for 1,024 requests, of which the closed loop's ramp-down (the last requests
  # running with fewer clients) is a noticeable part; the peer serves one request at a time and has none.
  requests=$(( clients == 1 ? 100 : clients == 8 ? 400 : 4096 ))
  echo "## $clients client(s), $requests requests per measurement, greedy"
  for ((r = 1; r <= rounds; r++)); do
    if (( r % 2 )); then order="ours peer"; else order="peer ours"; fi
    for server in $order; do
      port=$([[ $server == ours ]] && echo "$ours_port" || echo "$peer_port")
      echo "$server $(load "http://127.0.0.1:$port/translate" "$clients" "$requests" "$sentences" "$greedy" | useful)"
    done
  done
done

[[ $phases == *mixed* ]] || exit 0
echo "## mixed workload (ours): 48 texts x ~60 sentences, num_beams 8, beside short requests"
python3 - "$sentences" > "$work/big.json" <<'PY'
import json, sys
lines = [l.strip() for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
texts = [" ".join(lines[(t * 60 + i) % len(lines)] for i in range(60)) for t in range(48)]
print(json.dumps({"texts": texts, "options": {"num_beams": 8}}))
PY
big_start=$(date +%s.%N)
curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "@$work/big.json" \
  "http://127.0.0.1:$ours_port/translate" > "$work/big.status" &
big=$!
sleep 2
echo "20 short, one after another: $(load "http://127.0.0.1:$ours_port/translate" 1 20 "$sentences")"
if kill -0 "$big" 2>/dev/null; then
  echo "64 short clients: $(load "http://127.0.0.1:$ours_port/translate" 64 512 "$sentences")"
fi
still=$(kill -0 "$big" 2>/dev/null && echo yes || echo no)
wait "$big"
echo "big request: status $(cat "$work/big.status"), $(awk -v s="$big_start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }') s (still running after the short ones: $still)"
