#!/usr/bin/env bash
# Throughput and memory of the service under a closed-loop load, to set beside overload-memory.sh: starts the service
# from a build folder, sends REQUESTS requests from CLIENTS keep-alive clients (one sentence of the inference tests'
# sentences.en.txt each, default options) with peer/load.mjs, and prints its JSON line, the service's CPU seconds
# during the load and its peak RSS (VmHWM). Extra environment variables for the service are passed through as they
# are. Run two builds alternately, twice, in one session: the machine's other load moves req/s more than most changes.
# usage: clients-throughput.sh <folder with Seq2SeqService.dll> [clients=64] [requests=2000]
set -euo pipefail
build=$1 clients=${2:-64} requests=${3:-2000}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
source "$here/start-service.sh"
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
start_service
ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
before=$(ticks)
node "$here/../peer/load.mjs" "http://127.0.0.1:$port/translate" "$clients" "$requests" "$repo/tests/Seq2Seq.Inference.Tests/Data/sentences.en.txt"
echo "cpu $(( ($(ticks) - before) / $(getconf CLK_TCK) )) s, peak $(awk '/VmHWM/ {printf "%d", $2/1024}' "/proc/$server/status") MiB"
