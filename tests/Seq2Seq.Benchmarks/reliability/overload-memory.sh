#!/usr/bin/env bash
# Resident memory of the service under 4x overload and after it: starts the service from a build folder, sends
# 4 x Service:Queue:Capacity keep-alive clients (texts of 1-8 sentences, default options) for SECONDS, then idles
# for AFTER seconds; prints RSS every 5 s, the peak (VmHWM) and the RSS at the end. Extra environment variables for
# the service (e.g. DOTNET_GCConserveMemory=7) are passed through as they are; LOG=file keeps the service's log.
# usage: overload-memory.sh <folder with Seq2SeqService.dll> [seconds=60] [after=120] [capacity=256]
set -euo pipefail
build=$1 seconds=${2:-60} after=${3:-120} capacity=${4:-256}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/start-service.sh"
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; [[ -z "${LOG:-}" ]] || cp "$work/server.log" "$LOG"; rm -rf "$work"' EXIT
cat > "$work/sentences" <<'TEXT'
The cat is sleeping on the sofa.
Where is the train station?
I would like a cup of coffee, please.
We are going to the beach tomorrow.
She reads a book every evening.
Can you help me carry these bags?
The weather is very nice today.
He forgot his keys at the office.
My brother will bring his dog to the party on Saturday.
Could you tell me where the nearest pharmacy is?
TEXT
start_service --Service:Queue:Capacity="$capacity"
rss() { awk '/VmRSS/ {printf "%d", $2/1024}' "/proc/$server/status"; }
echo "ready: RSS $(rss) MiB"
node "$here/overload.mjs" "http://127.0.0.1:$port/translate" $((4 * capacity)) "$seconds" "$work/sentences" > "$work/load.json" &
load=$!
samples=""
while kill -0 "$load" 2>/dev/null; do samples+=" $(rss)"; sleep 5; done
echo "under load (every 5 s, MiB):$samples"
echo "load: $(cat "$work/load.json")"
samples=""
for _ in $(seq 1 $((after / 5))); do sleep 5; samples+=" $(rss)"; done
echo "after (every 5 s, MiB):$samples"
echo "peak $(awk '/VmHWM/ {printf "%d", $2/1024}' "/proc/$server/status") MiB, $after s after: $(rss) MiB"
