#!/usr/bin/env bash
# The model families against transformers.js 4.3.1 (npm), which implements each family's generation conventions
# and tokenizer.json: the built service serves the contract bundles (tests/fixtures/tiny-*, the bundles below, with
# the default Marian bundle, whose tokenizer is also held to Debian's spm_encode and spm_decode) on
# 127.0.0.1 with their repeat and length guards off (transformers.js has neither), and parity.test.mjs holds its
# tokens and texts to transformers.js's, bundle by bundle.
set -euo pipefail
cd "$(dirname "$0")/../.."

command -v node >/dev/null && command -v npm >/dev/null ||
    { apt-get update -q && apt-get install -y -q nodejs npm; }
command -v spm_encode >/dev/null || { apt-get update -q && apt-get install -y -q sentencepiece; }

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

bundles=(tests/fixtures/tiny-nllb tests/fixtures/tiny-m2m100 tests/fixtures/tiny-mbart tests/fixtures/tiny-mbart-cc25
    tests/fixtures/tiny-bart tests/fixtures/tiny-t5 tests/fixtures/tiny-t5-v1 tests/fixtures/tiny-marian models/marian-tatoeba-en-fr)
settings=()
for i in "${!bundles[@]}"; do
    bundle=${bundles[$i]} model=$(basename "${bundles[$i]}")
    # transformers.js reads the json files from the model folder and the graphs from onnx/.
    mkdir -p "$work/models/$model/onnx"
    for f in "$bundle"/*.json; do ln -s "$PWD/$f" "$work/models/$model/"; done
    for f in "$bundle"/*.onnx; do ln -s "$PWD/$f" "$work/models/$model/onnx/"; done
    # The float graphs, which transformers.js runs here (dtype fp32): the default bundle would serve its int8 graphs,
    # which the engine's and service's golden-file tests hold instead.
    settings+=("Service__Models__Bundles__${i}__Path=$PWD/$bundle" "Service__Models__Bundles__${i}__RepeatGuard=0"
        "Service__Models__Bundles__${i}__MaxLengthFactor=100" "Service__Models__Bundles__${i}__Variant=fp32")
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

for bundle in "${bundles[@]}"; do
    model=$(basename "$bundle")
    echo "# $model"
    SERVICE_URL="http://127.0.0.1:$port" TJS_DIR="$work/tjs" MODELS_DIR="$work/models" MODEL=$model REPO="$PWD" \
        BUNDLE="$PWD/$bundle" \
        node --test "$PWD/tests/families/parity.test.mjs" || { grep -v " INF " "$work/service.log" | tail -50; exit 1; }
done
