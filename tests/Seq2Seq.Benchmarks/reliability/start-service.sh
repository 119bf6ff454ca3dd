# Sourced by the reliability benchmarks. start_service [arguments...]: starts the service from "$build" on a random
# loopback port with the arguments, its log in "$work/server.log", and returns once it is ready; sets port and server.
start_service() {
  port=$((20000 + RANDOM % 20000))
  dotnet "$build/Seq2SeqService.dll" --urls "http://127.0.0.1:$port" "$@" > "$work/server.log" 2>&1 &
  server=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$port/health/ready"; do
    kill -0 "$server" 2>/dev/null || { cat "$work/server.log"; exit 1; }
    sleep 0.1
  done
}
