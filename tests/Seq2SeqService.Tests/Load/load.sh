#!/usr/bin/env bash
# Load generator for a running service: N translate requests one after another, then the same N requests
# all at once, with wall time and throughput for each. Every response must be 200. One curl process sends
# each batch of requests (sequentially, or with --parallel), so process start-up is not part of the figures.
# Usage: load.sh [base-url] [requests] [sentences-file]   (defaults: http://localhost:5000, 64, built-in list)
# OPTIONS='{"num_beams": 1}' load.sh ... adds generation options to every request.
# CLIENTS=64 keeps at most 64 requests in flight in the concurrent run (default: all of them);
# CONCURRENT_ONLY=1 skips the sequential run.
set -euo pipefail
url=${1:-http://localhost:5000}
count=${2:-64}
sentences=${3:-}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [[ -n "$sentences" ]]; then
  cp "$sentences" "$work/sentences"
else
  cat > "$work/sentences" <<'TEXT'
The cat is sleeping on the sofa.
Where is the train station?
I would like a cup of coffee, please.
We are going to the beach tomorrow.
She reads a book every evening.
Can you help me carry these bags?
The weather is very nice today.
He forgot his keys at the office.
TEXT
fi

# One JSON body per request, cycling through the sentences, and one curl config entry per body.
mapfile -t lines < "$work/sentences"
for ((i = 0; i < count; i++)); do
  line=${lines[i % ${#lines[@]}]}
  line=${line//\\/\\\\}
  printf '{"text": "%s"%s}' "${line//\"/\\\"}" "${OPTIONS:+, \"options\": $OPTIONS}" > "$work/body.$i"
  ((i > 0)) && echo next
  printf 'url = "%s/translate"\nheader = "Content-Type: application/json"\ndata-binary = "@%s"\noutput = "/dev/null"\nwrite-out = "%%{http_code}\\n"\n' \
    "$url" "$work/body.$i"
done > "$work/requests.cfg"

run() { # extra curl arguments: none = one at a time, --parallel = all at once
  local start end
  start=$(date +%s.%N)
  curl -s --no-progress-meter "$@" -K "$work/requests.cfg" > "$work/codes"
  end=$(date +%s.%N)
  if [[ $(grep -c '^200$' "$work/codes") -ne $count ]]; then
    echo "not all responses were 200: $(sort "$work/codes" | uniq -c | tr '\n' ' ')" >&2
    exit 1
  fi
  awk -v s="$start" -v e="$end" -v n="$count" 'BEGIN { printf "%.2f s, %.1f requests/s\n", e - s, n / (e - s) }'
}

curl -sf "$url/health/ready" > /dev/null || { echo "$url is not ready" >&2; exit 1; }
curl -s -o /dev/null -H 'Content-Type: application/json' --data-binary "@$work/body.0" "$url/translate" # untimed first call
clients=${CLIENTS:-$count}
[[ -n "${CONCURRENT_ONLY:-}" ]] || echo "sequential ($count requests, one at a time): $(run)"
echo "concurrent ($count requests, $clients at once):        $(run --parallel --parallel-max "$clients")"
