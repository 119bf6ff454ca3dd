# Sourced by docker/test-image.sh, after the image is built: two containers of it share one redis-server as
# replicas behind a Service share docker/k8s's Redis. No Redis image reaches this machine, so the server is
# Debian's, on the host's loopback, where the containers (host network) reach it. A document uploaded to one
# replica is polled and downloaded through the other with DeepL's calls, and a file uploaded to one with
# LibreTranslate's /translate_file downloads from the other.

replica_names=()
replica_urls=()
redis_pid=

start_replicas() {
    command -v redis-server >/dev/null || {
        apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server
    }
    local redis_port i port
    redis_port=$(free_port)
    redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no >"$work/redis.log" 2>&1 &
    redis_pid=$!
    for i in 1 2; do
        port=$(free_port)
        podman run -d --name "$run_id-replica-$i" --network=host --read-only --cap-drop=ALL \
            --security-opt=no-new-privileges --health-interval=disable \
            -e "ASPNETCORE_URLS=http://127.0.0.1:$port" -e "Service__Documents__Redis=127.0.0.1:$redis_port" \
            "$app_image" >/dev/null 2>"$work/replica.log" || {
            cat "$work/replica.log" >&2
            fail "podman run of replica $i failed"
        }
        replica_names+=("$run_id-replica-$i")
        replica_urls+=("http://127.0.0.1:$port")
    done
    log "replicas on ${replica_urls[*]}, sharing redis-server on 127.0.0.1:$redis_port"
}

wait_replicas_ready() {
    local i
    for i in 0 1; do
        container=${replica_names[$i]} base_url=${replica_urls[$i]} wait_ready
    done
}

# POSTs a form to a replica and fails unless it answers 200; the body lands in $work/$1.
post_ok() {
    local out=$1 url=$2 status
    shift 2
    status=$(curl -sS -o "$work/$out" -w '%{http_code}' "$@" "$url") || fail "$url: no answer"
    [[ $status == 200 ]] || fail "$url answered $status: $(head -c 300 "$work/$out")"
}

check_replicas_share_documents() {
    local a=${replica_urls[0]} b=${replica_urls[1]} id key status name deadline=$((SECONDS + ready_limit_s))
    printf 'The cat is sleeping on the sofa.\n\nThank you very much.\n' >"$work/cat.txt"
    post_ok handle.json "$a/v2/document" -F "file=@$work/cat.txt" -F target_lang=FR
    id=$(jq -r .document_id "$work/handle.json")
    key=$(jq -r .document_key "$work/handle.json")
    for (( ; ; )); do
        post_ok status.json "$b/v2/document/$id" -d "document_key=$key"
        status=$(jq -r .status "$work/status.json")
        [[ $status == done ]] && break
        [[ $status == queued || $status == translating ]] || fail "replica 2 reports $(cat "$work/status.json")"
        ((SECONDS < deadline)) || fail "the document was not done within $ready_limit_s s"
        sleep 0.2
    done
    post_ok cat.deepl.txt "$b/v2/document/$id/result" -d "document_key=$key"
    grep -q chat "$work/cat.deepl.txt" || fail "replica 2's download is not French: $(cat "$work/cat.deepl.txt")"

    post_ok file.json "$a/translate_file" -F "file=@$work/cat.txt" -F source=en -F target=fr
    name=$(jq -r .translatedFileUrl "$work/file.json")
    name=${name##*/}
    status=$(curl -sS -o "$work/cat.libre.txt" -w '%{http_code}' "$b/download_file/$name") || fail "download_file: no answer"
    [[ $status == 200 ]] && grep -q chat "$work/cat.libre.txt" || fail "replica 2's download_file answered $status"
    log "uploaded to replica 1, polled and downloaded from replica 2: $(head -c 60 "$work/cat.deepl.txt" | tr '\n' ' ')"
}

stop_replicas() {
    ((${#replica_names[@]} == 0)) || podman rm -f --time 0 "${replica_names[@]}" >/dev/null 2>&1
    replica_names=()
    if [[ -n $redis_pid ]]; then
        kill "$redis_pid" 2>/dev/null || true
        wait "$redis_pid" 2>/dev/null || true
        redis_pid=
    fi
    return 0
}
