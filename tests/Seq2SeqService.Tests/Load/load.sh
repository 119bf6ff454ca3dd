#!/usr/bin/env bash
# Load generator for a running service: N translate requests one after another, then the same N requests
# all at once, with wall time and throughput for each. Every response must be 200.
# Usage: load.sh [base-url] [requests] [sentences-file]   (defaults: http://localhost:5000, 64, built-in list)
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

# One JSON body per request, cycling through the sentences.
mapfile -t lines < "$work/sentences"
for ((i = 0; i < count; i++)); do
  line=${lines[i % ${#lines[@]}]}
  line=${line//\\/\\\\}
  printf '{"text": "%s"}' "${line//\"/\\\"}" > "$work/body.$i"
done

post() {
  curl -s -o /dev/null -w '%{http_code}\n' -X POST "$url/translate" \
    -H 'Content-Type: application/json' --data-binary "@$1"
}
export -f post
export url

run() { # mode: 1 = sequential, count = concurrent
  local parallel=$1 start end
  start=$(date +%s.%N)
  seq 0 $((count - 1)) | sed "s|^|$work/body.|" | xargs -P "$parallel" -I{} bash -c 'post "$1"' _ {} > "$work/codes"
  end=$(date +%s.%N)
  if grep -qv '^200$' "$work/codes"; then
    echo "non-200 responses: $(sort "$work/codes" | uniq -c | tr '\n' ' ')" >&2
    exit 1
  fi
  awk -v s="$start" -v e="$end" -v n="$count" 'BEGIN { printf "%.2f s, %.1f requests/s\n", e - s, n / (e - s) }'
}

curl -sf "$url/health/ready" > /dev/null || { echo "$url is not ready" >&2; exit 1; }
post "$work/body.0" > /dev/null  # one untimed request: first-call costs are not part of either figure
echo "sequential ($count requests, one at a time): $(run 1)"
echo "concurrent ($count requests at once):        $(run "$count")"
