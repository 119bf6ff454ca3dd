#!/usr/bin/env bash
# The model families against transformers.js 4.3.1 (npm), which implements each family's generation conventions
# and tokenizer.json: the built service serves the contract bundles (tests/fixtures/tiny-*, the models below) on
# 127.0.0.1 with their repeat and length guards off (transformers.js has neither), and parity.test.mjs holds its
# tokens and texts to transformers.js's, bundle by bundle.
set -euo pipefail
cd "$(dirname "$0")/../.."

command -v node >/dev/null && command -v npm >/dev/null ||
    { apt-get update -q && apt-get install -y -q nodejs npm; }

work=$(mktemp -d)
pid=
cleanup() {
    if [[ -n $pid ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

npm install --prefix "$work/tjs" --no-audit --no-fund --loglevel=error @huggingface/transformers@4.3.1 >/dev/null
dotnet build src/Seq2SeqService -c Release -v quiet --nologo >/dev/null
dll="$PWD/src/Seq2SeqService/bin/Release/net10.0/linux-x64/Seq2SeqService.dll"

models=(tiny-nllb tiny-m2m100 tiny-mbart tiny-mbart-cc25 tiny-bart tiny-t5)
settings=()
for i in "${!models[@]}"; do
    model=${models[$i]}
    # transformers.js reads the json files from the model folder and the graphs from onnx/.
    mkdir -p "$work/models/$model/onnx"
    for f in tests/fixtures/$model/*.json; do ln -s "$PWD/$f" "$work/models/$model/"; done
    for f in tests/fixtures/$model/*.onnx; do ln -s "$PWD/$f" "$work/models/$model/onnx/"; done
    settings+=("Service__Models__Bundles__${i}__Path=$PWD/tests/fixtures/$model" "Service__Models__Bundles__${i}__RepeatGuard=0"
        "Service__Models__Bundles__${i}__MaxLengthFactor=100")
done

port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
env "${settings[@]}" dotnet "$dll" --urls "http://127.0.0.1:$port" > "$work/service.log" 2>&1 &
pid=$!
node -e "
  const url = 'http://127.0.0.1:$port/health/ready', deadline = Date.now() + 180000;
  (async () => {
    for (;;) {
      try { if ((await fetch(url)).ok) return; } catch {}
      try { process.kill($pid, 0); } catch { console.error('the service exited'); process.exit(1); }
      if (Date.now() > deadline) { console.error('not ready: ' + url); process.exit(1); }
      await new Promise(r => setTimeout(r, 500));
    }
  })();" || { cat "$work/service.log"; exit 1; }

for model in "${models[@]}"; do
    echo "# $model"
    SERVICE_URL="http://127.0.0.1:$port" TJS_DIR="$work/tjs" MODELS_DIR="$work/models" MODEL=$model REPO="$PWD" \
        node --test "$PWD/tests/families/parity.test.mjs" || { grep -v " INF " "$work/service.log" | tail -50; exit 1; }
done
