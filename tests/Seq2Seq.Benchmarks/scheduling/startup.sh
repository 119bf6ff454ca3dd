#!/usr/bin/env bash
# Start-up and warm-up: for each setting, a fresh service process with the default configuration (both bundles):
# time to ready, then the first 512 requests with 64 clients, then three more runs of 512 (their mean is the steady
# state); greedy, one dev sentence per request. Steady state is measured in runs of the same length as the first
# one: a closed loop's last requests run with fewer clients, and that ramp-down weighs more in a short run, so a
# longer steady-state run would count run length as warm-up. A setting is `default`, an environment assignment (DOTNET_TieredCompilation=1), or
# `rev:<git revision>` (that revision's service, published from a temporary worktree, as a baseline).
# usage: tests/Seq2Seq.Benchmarks/scheduling/startup.sh [rounds (default 2)] [settings (default below)]
set -euo pipefail
rounds=${1:-2}
settings=${2:-"default DOTNET_TieredCompilation=1"}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
sentences=$repo/tests/Seq2Seq.Inference.Tests/Data/sentences.en.txt
work=$(mktemp -d)
pid=
cleanup() {
  [[ -n $pid ]] && kill "$pid" 2>/dev/null
  for t in "$work"/tree-*; do [[ -d $t ]] && git -C "$repo" worktree remove --force "$t"; done
  rm -rf "$work"
}
trap cleanup EXIT
echo "# $(date -u +%FT%TZ) $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet publish "$repo/src/Seq2SeqService" -c Release -o "$work/service" > "$work/publish.log"
for s in $settings; do
  if [[ $s == rev:* ]]; then
    git -C "$repo" worktree add -q --detach "$work/tree-${s#rev:}" "${s#rev:}"
    dotnet publish "$work/tree-${s#rev:}/src/Seq2SeqService" -c Release -o "$work/service-${s#rev:}" >> "$work/publish.log"
  fi
done
url=http://127.0.0.1:5841
rps() { sed 's/.*"rps":\([0-9.]*\).*/\1/'; }
for ((r = 1; r <= rounds; r++)); do
  for s in $settings; do
    dll=$work/service/Seq2SeqService.dll
    assignment=
    if [[ $s == rev:* ]]; then dll=$work/service-${s#rev:}/Seq2SeqService.dll; elif [[ $s != default ]]; then assignment=$s; fi
    start=$(date +%s.%N)
    env $assignment Serilog__MinimumLevel__Default=Warning dotnet "$dll" --urls "$url" > "$work/log" 2>&1 &
    pid=$!
    until curl -sf -o /dev/null "$url/health/ready"; do sleep 0.01; done
    ready=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2f", e - s }')
    first=$(node "$here/../peer/load.mjs" "$url/translate" 64 512 "$sentences" '{"num_beams": 1}' | rps)
    next=()
    for i in 1 2 3; do next+=("$(node "$here/../peer/load.mjs" "$url/translate" 64 512 "$sentences" '{"num_beams": 1}' | rps)"); done
    steady=$(echo "${next[@]}" | awk '{ printf "%.1f", ($1 + $2 + $3) / 3 }')
    echo "$s ready ${ready}s first512 $first req/s, next 3 x 512 ${next[*]} req/s, mean $steady ($(awk -v f="$first" -v s="$steady" 'BEGIN { printf "%.0f", 100 * f / s }') %)"
    kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
  done
done
