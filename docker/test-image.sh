#!/usr/bin/env bash
# Builds the repository's Dockerfile, unmodified, with podman and checks the running container the way a
# deployment uses it: POST /translate answers, the image's own HEALTHCHECK reports healthy (and can report
# unhealthy), the process is the self-contained apphost running as the non-root app user (uid 1654) on a
# read-only root filesystem with no shared .NET in the image, and `podman stop` (SIGTERM) ends it within
# 10 s with exit code 0. Then it plays docker/k8s's Deployment with its ConfigMap through `podman kube play`
# (one replica, the image just built, a hostPort on 127.0.0.1, and slirp4netns networking) and checks that
# the pod gets ready, translates and runs as uid 1654 on a read-only root filesystem, before
# `podman kube down`. Without systemd podman runs no probes, so the script asks. Before the pod, two containers
# of the image share one redis-server as replicas share documents (docker/test-replicas.sh).
#
# Our machines reach no container registry and run no Docker engine, so the script installs podman from
# apt and builds local stand-ins for mcr.microsoft.com/dotnet/sdk:10.0 and runtime-deps:10.0 from a
# debootstrap'd Debian bookworm (from the mirror this machine's own apt uses), the sdk with this machine's
# .NET, runtime-deps without any (docker/standin/Containerfile). A real image of either name
# already present is used as it is. Everything listens and talks on 127.0.0.1 only. The containers and
# images it creates are removed on exit, pass or fail. Exit status: 0 when every check passed.
#
#   bash docker/test-image.sh        (as root, or with podman and friends installed)
#
# SEQ2SEQ_CACHE_DIR (default ~/.cache/seq2seq) keeps the Debian root filesystem between runs.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache_dir=${SEQ2SEQ_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/seq2seq}
run_id=seq2seq-image-test-$$
work=$(mktemp -d "${TMPDIR:-/tmp}/$run_id.XXXXXX")
sdk_image=mcr.microsoft.com/dotnet/sdk:10.0
runtime_deps_image=mcr.microsoft.com/dotnet/runtime-deps:10.0
base_image=localhost/seq2seq-standin-base:$run_id
app_image=localhost/seq2seq-service:$run_id
container=$run_id
kube_yaml=
kube_container=
app_uid=1654
stop_limit_s=10
ready_limit_s=180
standin_label=org.seq2seq.standin

debian_suite=bookworm
debian_packages=ca-certificates,libicu72,libssl3,tzdata
rootfs_tarball=$cache_dir/debian-$debian_suite-minbase-${debian_packages//,/-}.tar

created_images=()
step_names=()
step_seconds=()

log() { printf '[test-image] %s\n' "$*" >&2; }
fail() {
    log "FAIL: $*"
    exit 1
}

now() { date +%s.%N; }

# Runs one named step and records how long it took.
step() {
    local name=$1 start
    shift
    log "---- $name"
    start=$(now)
    "$@"
    step_names+=("$name")
    step_seconds+=("$(printf '%.1f' "$(echo "$(now) - $start" | bc)")")
}

report_timings() {
    local i total=0
    log "step times (s):"
    for i in "${!step_names[@]}"; do
        printf '[test-image]   %-34s %6s\n' "${step_names[$i]}" "${step_seconds[$i]}" >&2
        total=$(echo "$total + ${step_seconds[$i]}" | bc)
    done
    printf '[test-image]   %-34s %6s\n' "total" "$total" >&2
}

cleanup() {
    local status=$?
    set +e
    if [[ $status -ne 0 ]] && podman container exists "$container" 2>/dev/null; then
        log "container log (last 40 lines):"
        podman logs --tail 40 "$container" >&2
    fi
    podman rm -f --time 0 "$container" >/dev/null 2>&1
    stop_replicas
    if [[ -n $kube_yaml ]]; then
        if [[ $status -ne 0 ]]; then
            log "pod log (last 40 lines):"
            podman logs --tail 40 "$kube_container" >&2
        fi
        podman kube down "$kube_yaml" >/dev/null 2>&1
    fi
    local image
    for image in "$app_image" "${created_images[@]}"; do
        podman rmi -f "$image" >/dev/null 2>&1
    done
    rm -rf "$work"
    report_timings
    if [[ $status -eq 0 ]]; then log "PASS"; else log "FAILED (exit $status)"; fi
    exit "$status"
}
# shellcheck source=docker/test-replicas.sh
source "$repo/docker/test-replicas.sh"
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

install_tools() {
    local missing=() tool
    for tool in podman runc debootstrap netavark aardvark-dns fuse-overlayfs uidmap slirp4netns curl jq; do
        case $tool in
            netavark) [[ -x /usr/lib/podman/netavark ]] || missing+=("$tool") ;;
            aardvark-dns) [[ -x /usr/lib/podman/aardvark-dns ]] || missing+=("$tool") ;;
            uidmap) command -v newuidmap >/dev/null || missing+=("$tool") ;;
            *) command -v "$tool" >/dev/null || missing+=("$tool") ;;
        esac
    done
    if [[ ${#missing[@]} -eq 0 ]]; then
        log "podman $(podman --version | awk '{print $3}'), runc, debootstrap, curl and jq already installed"
        return
    fi
    [[ $(id -u) -eq 0 ]] || fail "missing ${missing[*]}: run as root, or apt-get install them first"
    log "installing ${missing[*]}"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
}

# runc: crun refuses this kernel's hybrid cgroups. The sandbox forbids raising rlimits, so containers get
# the host's hard nofile limit and at most 32768 processes instead of podman's higher defaults.
configure_podman() {
    local nofile nproc
    nofile=$(ulimit -Hn)
    nproc=$(ulimit -Hu)
    [[ $nofile == unlimited ]] && nofile=1048576
    if [[ $nproc == unlimited ]] || ((nproc > 32768)); then nproc=32768; fi
    cat >"$work/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]

[engine]
runtime = "runc"
EOF
    export CONTAINERS_CONF=$work/containers.conf
    log "CONTAINERS_CONF: runc, nofile=$nofile, nproc=$nproc"
}

image_exists() { podman image exists "$1"; }
is_standin() { [[ $(podman image inspect --format "{{index .Labels \"$standin_label\"}}" "$1") == true ]]; }

# Prints the first URI this machine's apt fetches "$debian_suite main" from: deb822 files in sources.list.d,
# then one-line sources.list files. The repository names no mirror; whatever apt is set up with here is the
# one that answers here.
host_debian_mirror() {
    local files=(/etc/apt/sources.list.d/*.sources)
    [[ -e ${files[0]} ]] && awk -v suite="$debian_suite" '
        function has(field, word, n, i, w) { n = split(field, w, /[ \t]+/); for (i = 1; i <= n; i++) if (w[i] == word) return 1; return 0 }
        function stanza_end() {
            if (uris != "" && has(types, "deb") && has(suites, suite) && has(components, "main") && tolower(enabled) != "no") {
                split(uris, u, /[ \t]+/); print u[1]; found = 1; exit
            }
            types = uris = suites = components = enabled = ""
        }
        FNR == 1 { stanza_end() }
        /^[ \t]*#/ { next }
        /^[ \t]*$/ { stanza_end(); next }
        { key = tolower($1); sub(/^[^:]*:[ \t]*/, "") }
        key == "types:" { types = $0 } key == "uris:" { uris = $0 } key == "suites:" { suites = $0 }
        key == "components:" { components = $0 } key == "enabled:" { enabled = $0 }
        END { if (!found) stanza_end(); exit !found }' "${files[@]}" && return
    files=(/etc/apt/sources.list /etc/apt/sources.list.d/*.list)
    sed -E 's/#.*//; s/\[[^]]*\]//' "${files[@]}" 2>/dev/null |
        awk -v suite="$debian_suite" '$1 == "deb" && $3 == suite { for (i = 4; i <= NF; i++) if ($i == "main") { print $2; found = 1; exit } }
            END { exit !found }'
}

debian_rootfs() {
    if [[ -s $rootfs_tarball ]]; then
        log "cached: $rootfs_tarball"
        return
    fi
    local debian_mirror
    debian_mirror=$(host_debian_mirror) ||
        fail "this machine's apt has no source for '$debian_suite main' (looked in /etc/apt/sources.list.d/*.sources, /etc/apt/sources.list and /etc/apt/sources.list.d/*.list); debootstrap needs a Debian mirror"
    log "debootstrap $debian_suite from $debian_mirror (this machine's apt source)"
    mkdir -p "$cache_dir"
    local rootfs=$work/rootfs
    debootstrap --variant=minbase --include="$debian_packages" "$debian_suite" "$rootfs" "$debian_mirror" \
        >"$work/debootstrap.log" 2>&1 || {
        tail -20 "$work/debootstrap.log" >&2
        fail "debootstrap failed"
    }
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/lib/apt/lists/*
    tar -C "$rootfs" --numeric-owner -cf "$rootfs_tarball.partial" .
    mv "$rootfs_tarball.partial" "$rootfs_tarball"
    log "cached: $rootfs_tarball ($(du -h "$rootfs_tarball" | cut -f1))"
}

# Builds stand-in $1 from the Containerfile's target $2.
standin() {
    local image=$1 target=$2 dotnet_root
    if image_exists "$image"; then
        if ! is_standin "$image"; then
            log "using the existing $image"
            return
        fi
        podman rmi -f "$image" >/dev/null # a stand-in left by an interrupted run
    fi
    dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
    [[ -x $dotnet_root/dotnet && -d $dotnet_root/sdk && -d $dotnet_root/shared/Microsoft.AspNetCore.App ]] ||
        fail "no .NET install with an SDK and the ASP.NET Core runtime found at $dotnet_root"
    created_images+=("$image")
    podman build --pull=never --network=host --layers=false --quiet \
        --label "$standin_label=true" \
        --build-arg "BASE_IMAGE=$base_image" --target "$target" \
        --build-arg "NUGET_CERT_REVOCATION_MODE=${NUGET_CERT_REVOCATION_MODE:-online}" \
        --volume "$dotnet_root:/host/dotnet:ro" \
        --volume "/etc/ssl/certs/ca-certificates.crt:/host/ca-certificates.crt:ro" \
        -f "$repo/docker/standin/Containerfile" -t "$image" "$repo/docker/standin" >/dev/null
    log "$image: stand-in (Containerfile target $target$([[ $target == sdk ]] && echo ", .NET from $dotnet_root"))"
}

standin_images() {
    if ! image_exists "$sdk_image" || is_standin "$sdk_image" || ! image_exists "$runtime_deps_image" || is_standin "$runtime_deps_image"; then
        created_images+=("$base_image")
        podman import --quiet "$rootfs_tarball" "$base_image" >/dev/null
    fi
    standin "$sdk_image" sdk
    standin "$runtime_deps_image" runtime-deps
}

build_image() {
    podman build --pull=never --format docker --network=host --layers=false \
        -f "$repo/Dockerfile" -t "$app_image" "$repo" >"$work/build.log" 2>&1 || {
        tail -40 "$work/build.log" >&2
        fail "podman build of the Dockerfile failed"
    }
    local size base_size
    size=$(podman image inspect --format '{{.Size}}' "$app_image")
    base_size=$(podman image inspect --format '{{.Size}}' "$runtime_deps_image")
    log "image size: $((size / 1000000)) MB, of which $(((size - base_size) / 1000000)) MB the Dockerfile's own (app with its runtime, ONNX Runtime, models)"
}

free_port() {
    local port _
    for _ in $(seq 100); do
        port=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
    fail "no free local port found"
}

start_container() {
    port=$(free_port)
    base_url=http://127.0.0.1:$port
    # Host network with the app bound to loopback only; --read-only, no capabilities and no privilege
    # escalation as in docker/k8s (podman mounts a tmpfs on /tmp for a read-only container, like the emptyDir
    # there). No systemd here, so the health check's timer is off and the check is run by hand below.
    # podman's complaints about the missing systemd (for the timer) are kept out of the way unless it fails.
    podman run -d --name "$container" --network=host --read-only --cap-drop=ALL \
        --security-opt=no-new-privileges --health-interval=disable \
        -e "ASPNETCORE_URLS=$base_url" "$app_image" >/dev/null 2>"$work/run.log" || {
        cat "$work/run.log" >&2
        fail "podman run failed"
    }
    log "container $container on $base_url"
}

wait_ready() {
    local deadline=$((SECONDS + ready_limit_s))
    until curl -fsS -o /dev/null "$base_url/health/ready" 2>/dev/null; do
        [[ $(podman inspect --format '{{.State.Running}}' "$container") == true ]] ||
            fail "the container exited before it was ready (exit code $(podman inspect --format '{{.State.ExitCode}}' "$container"))"
        ((SECONDS < deadline)) || fail "/health/ready did not answer 200 within $ready_limit_s s"
        sleep 0.5
    done
    log "/health/ready: 200"
}

check_translate() {
    local body status
    status=$(curl -sS -o "$work/translate.json" -w '%{http_code}' -X POST "$base_url/translate" \
        -H 'Content-Type: application/json' --data '{"texts": ["I like cats.", "Where is the station?"]}') ||
        fail "POST /translate: no answer"
    body=$(cat "$work/translate.json")
    [[ $status == 200 ]] || fail "POST /translate answered $status: $body"
    jq -e '(.translations | length) == 2
           and all(.translations[]; (.text | length) > 0 and .output_tokens > 0)
           and .translations[0].text != "I like cats."' "$work/translate.json" >/dev/null ||
        fail "POST /translate did not return two non-empty translations: $body"
    log "POST /translate: $(jq -c '[.model, [.translations[].text[0:100]]]' "$work/translate.json")"
}

check_page() {
    local status
    status=$(curl -sS -o "$work/page.html" -w '%{http_code}' "$base_url/") || fail "GET /: no answer"
    [[ $status == 200 ]] && grep -q 'src="page.js"' "$work/page.html" || fail "GET / answered $status without the web page"
    status=$(curl -sS -o /dev/null -w '%{http_code}' "$base_url/page.js") || fail "GET /page.js: no answer"
    [[ $status == 200 ]] || fail "GET /page.js answered $status"
    log "GET /: the web page and its script"
}

check_healthcheck() {
    local configured output status
    configured=$(podman image inspect "$app_image" | jq -c '.[0].Healthcheck')
    [[ $configured == *--healthcheck* ]] || fail "the image's HEALTHCHECK is not the app's --healthcheck: $configured"
    # podman 4.3 prints only a failed check's status; the recorded status tells either way.
    output=$(podman healthcheck run "$container" 2>&1) || fail "podman healthcheck run: exit $?, '$output'"
    status=$(podman inspect "$container" | jq -r '.[0].State.Health.Status')
    [[ $status == healthy ]] || fail "podman healthcheck run left the status '$status', not 'healthy'"
    log "podman healthcheck run: exit 0, status $status ($(podman inspect "$container" | jq -r '.[0].State.Health.Log[-1].Output' | tr -d '\n'))"
    # Deployments leave the port to ASPNETCORE_HTTP_PORTS (8080 in the image): the check must find it there too.
    podman exec -e ASPNETCORE_URLS= -e "ASPNETCORE_HTTP_PORTS=$port" "$container" \
        /app/Seq2SeqService --healthcheck >/dev/null 2>&1 ||
        fail "--healthcheck with the port in ASPNETCORE_HTTP_PORTS reported unhealthy"
    log "--healthcheck with the port in ASPNETCORE_HTTP_PORTS: exit 0"
    # A check that cannot fail proves nothing: the same command aimed at a port nobody serves must fail.
    if podman exec -e "ASPNETCORE_URLS=http://127.0.0.1:$(free_port)" "$container" \
        /app/Seq2SeqService --healthcheck >/dev/null 2>&1; then
        fail "--healthcheck exited 0 with no server on its port"
    fi
    log "--healthcheck against a closed port: non-zero, as it should be"
}

check_user() {
    local pid uids cmdline
    pid=$(podman inspect --format '{{.State.Pid}}' "$container")
    uids=$(awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$pid/status")
    cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline")
    [[ $cmdline == "/app/Seq2SeqService " ]] || fail "the container's main process is '$cmdline', not the apphost /app/Seq2SeqService"
    [[ $uids == "$app_uid $app_uid $app_uid $app_uid" ]] || fail "the app runs as uids '$uids', not $app_uid"
    log "process '$cmdline' runs as uid $app_uid; peak RSS so far $(awk '/^VmHWM:/ {printf "%d MB", $2 / 1024}' "/proc/$pid/status")"
}

# The app is published self-contained onto runtime-deps: its runtime is in /app, and no shared .NET is in
# the image for it to lean on.
check_self_contained() {
    local found
    if found=$(podman exec "$container" sh -c 'command -v dotnet || ls -d /usr/share/dotnet /usr/lib/dotnet' 2>/dev/null); then
        fail "the image carries a shared .NET install: $found"
    fi
    podman exec "$container" test -f /app/libcoreclr.so || fail "/app holds no runtime (libcoreclr.so)"
    log "no shared .NET in the image; the runtime is the app's own, in /app"
}

check_sigterm() {
    local start elapsed exit_code
    start=$(now)
    podman stop --time "$stop_limit_s" "$container" >/dev/null 2>"$work/stop.log" || {
        cat "$work/stop.log" >&2
        fail "podman stop failed"
    }
    elapsed=$(echo "$(now) - $start" | bc)
    exit_code=$(podman inspect --format '{{.State.ExitCode}}' "$container")
    [[ $exit_code == 0 ]] || fail "after SIGTERM the app exited with $exit_code (137: killed after $stop_limit_s s)"
    (($(echo "$elapsed < $stop_limit_s" | bc))) || fail "stopping took ${elapsed}s"
    podman logs "$container" >"$work/stop.log" 2>&1
    grep -q 'Application is shutting down' "$work/stop.log" || fail "the app did not log a graceful shutdown"
    log "SIGTERM: exit code 0 after $(printf '%.1f' "$elapsed") s"
}

# ONNX Runtime's telemetry would write under ~/.cache (read-only here); the image switches it off, so the
# log must not mention it.
check_clean_log() {
    local name=$1
    if podman logs "$name" 2>&1 | grep -i -E 'telemetry|DeveloperTools|onnxruntime\.db'; then
        fail "the log of $name mentions ONNX Runtime's telemetry or its cache folder"
    fi
    log "$name: no telemetry or cache-folder messages in the log"
}

# A test copy of docker/k8s's ConfigMap and Deployment: the image just built, one replica (a hostPort
# cannot be shared) and the container port published on 127.0.0.1. Each edit is checked, so a change of
# the manifests that defeats one fails here rather than testing something else.
kube_manifest() {
    port=$(free_port)
    base_url=http://127.0.0.1:$port
    kube_yaml=$work/k8s-test.yaml
    {
        cat "$repo/docker/k8s/configmap.yaml"
        echo "---"
        sed -e "s|^\(  *image:\) seq2seq-service:latest\$|\1 $app_image|" \
            -e 's|^\(  replicas:\) 2$|\1 1|' \
            -e "s|^\(  *\)containerPort: 8080\$|&\n\1hostPort: $port\n\1hostIP: 127.0.0.1|" \
            "$repo/docker/k8s/deployment.yaml"
    } >"$kube_yaml"
    grep -q "image: $app_image\$" "$kube_yaml" && grep -q '^  replicas: 1$' "$kube_yaml" &&
        grep -q "hostPort: $port\$" "$kube_yaml" ||
        fail "docker/k8s/deployment.yaml no longer has the lines the test copy edits (image, replicas, containerPort)"
    log "test manifest: ConfigMap + Deployment, 1 replica of $app_image on $base_url"
}

kube_play() {
    podman rm -f --time 0 "$container" >/dev/null 2>&1 # the stopped container of the checks above
    podman kube play --network=slirp4netns "$kube_yaml" >"$work/kube.log" 2>&1 || {
        cat "$work/kube.log" >&2
        fail "podman kube play failed"
    }
    kube_container=$(podman ps --filter "label=app.kubernetes.io/name=seq2seq" --format '{{.Names}}' | grep -v -- '-infra$' | head -1)
    [[ -n $kube_container ]] || fail "podman kube play started no seq2seq container"
    container=$kube_container
    log "pod container $kube_container"
}

check_kube_pod() {
    local read_only config_format
    read_only=$(podman inspect --format '{{.HostConfig.ReadonlyRootfs}}' "$kube_container")
    [[ $read_only == true ]] || fail "the pod's root filesystem is not read-only"
    config_format=$(podman exec "$kube_container" printenv Service__Logging__ConsoleFormat) ||
        fail "the ConfigMap's settings did not reach the container"
    # Read whole first: with pipefail, `grep -q` leaving early would fail the pipeline when podman gets SIGPIPE.
    podman logs "$kube_container" >"$work/pod.log" 2>&1
    grep -q '^{' "$work/pod.log" || fail "the pod's log is not the JSON the ConfigMap asks for"
    log "read-only root filesystem; ConfigMap applied (ConsoleFormat=$config_format, JSON log lines)"
}

kube_down() {
    podman kube down "$kube_yaml" >/dev/null 2>"$work/kube-down.log" || {
        cat "$work/kube-down.log" >&2
        fail "podman kube down failed"
    }
    kube_yaml=
    log "podman kube down: pod removed"
}

step "install podman and tools" install_tools
step "configure podman" configure_podman
step "Debian rootfs (debootstrap)" debian_rootfs
step "stand-in base images" standin_images
step "podman build Dockerfile" build_image
step "start container" start_container
step "wait for /health/ready" wait_ready
step "POST /translate" check_translate
step "GET / (web page)" check_page
step "podman healthcheck run" check_healthcheck
step "runs as uid $app_uid" check_user
step "no shared .NET runtime" check_self_contained
step "SIGTERM stop" check_sigterm
step "log free of telemetry" check_clean_log "$container"
step "replicas + redis-server: start" start_replicas
step "replicas: wait for /health/ready" wait_replicas_ready
step "replicas share documents" check_replicas_share_documents
step "replicas: stop" stop_replicas
step "k8s test manifest" kube_manifest
step "podman kube play" kube_play
step "pod: wait for /health/ready" wait_ready
step "pod: POST /translate" check_translate
step "pod: runs as uid $app_uid" check_user
step "pod: read-only, ConfigMap" check_kube_pod
step "pod: log free of telemetry" check_clean_log "$kube_container"
step "podman kube down" kube_down
