#!/usr/bin/env bash
# Drives the built service with real clients from npm — DeepL's official deepl-node and the libretranslate
# package — installed into a temporary folder. Two service processes on 127.0.0.1: one open, one with keys
# (random per run, so the final log check means something). Fails on any failed test or a key in a log.
set -euo pipefail
cd "$(dirname "$0")/../.."

command -v node >/dev/null && command -v npm >/dev/null ||
    { apt-get update -q && apt-get install -y -q nodejs npm; }

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

npm install --prefix "$work/clients" --no-audit --no-fund --loglevel=error deepl-node@1.28.0 libretranslate@1.0.1 >/dev/null
dotnet build src/Seq2SeqService -c Release -v quiet --nologo >/dev/null
dll="$PWD/src/Seq2SeqService/bin/Release/net10.0/linux-x64/Seq2SeqService.dll"

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
secret() { node -e "console.log(require('crypto').randomBytes(18).toString('base64url'))"; }

key=$(secret) limited=$(secret) quota=$(secret)
printf '[{"Key": "%s", "Name": "quota", "CharactersPerMonth": 30}]\n' "$quota" > "$work/keys.json"

start() { # name port [VAR=value...]
    local name=$1 port=$2
    shift 2
    env "$@" dotnet "$dll" --urls "http://127.0.0.1:$port" > "$work/$name.log" 2>&1 &
    pids+=($!)
}

open_port=$(free_port)
start open "$open_port"
keyed_port=$(free_port)
start keyed "$keyed_port" \
    Service__Auth__ApiKeys__0__Key="$key" Service__Auth__ApiKeys__0__Name=main \
    Service__Auth__ApiKeys__1__Key="$limited" Service__Auth__ApiKeys__1__Name=limited \
    Service__Auth__ApiKeys__1__RequestsPerMinute=2 Service__Auth__KeysFile="$work/keys.json"

for port in "$open_port" "$keyed_port"; do
    node -e "
      const url = 'http://127.0.0.1:$port/health/ready', deadline = Date.now() + 180000;
      (async () => {
        for (;;) {
          try { if ((await fetch(url)).ok) return; } catch {}
          if (Date.now() > deadline) { console.error('not ready: ' + url); process.exit(1); }
          await new Promise(r => setTimeout(r, 500));
        }
      })();" || { cat "$work"/*.log; exit 1; }
done

CLIENTS_DIR="$work/clients" OPEN_URL="http://127.0.0.1:$open_port" KEYED_URL="http://127.0.0.1:$keyed_port" \
API_KEY="$key" LIMITED_KEY="$limited" QUOTA_KEY="$quota" \
    node --test "$PWD/tests/compat-clients/clients.test.mjs"

for secret_value in "$key" "$limited" "$quota"; do
    if grep -qF "$secret_value" "$work"/*.log; then
        echo "An API key appears in a service log" >&2
        exit 1
    fi
done
