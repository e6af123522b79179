# shellcheck shell=bash
# Finds the Docker engine for scripts/test, or starts one. Sourced, not run.

readonly default_docker_socket=/var/run/docker.sock
readonly engine_start_timeout=60

engine_curl_options=()
engine_base_url=""

# Sets the curl options and base URL for DOCKER_HOST, or for the default socket
# when DOCKER_HOST is unset. With --unix-socket, curl sends the request to the
# socket and uses "localhost" only for the Host header.
resolve_engine_address() {
    local host=${DOCKER_HOST:-unix://$default_docker_socket}

    case $host in
        unix://*)
            engine_curl_options=(--unix-socket "${host#unix://}")
            engine_base_url=http://localhost
            ;;
        tcp://*)
            # NOTE: TLS (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH) is not supported.
            engine_curl_options=()
            engine_base_url="http://${host#tcp://}"
            ;;
        *)
            fail "DOCKER_HOST=$host is not supported by scripts/test" \
                "use a unix:// or tcp:// address, or unset DOCKER_HOST to use $default_docker_socket"
            ;;
    esac
}

# Sends GET $1 to the engine and prints the response body.
engine_get() {
    curl --silent --show-error --fail --max-time 5 "${engine_curl_options[@]}" "$engine_base_url$1"
}

engine_responds_to_ping() {
    [[ $(engine_get /_ping 2>/dev/null) == OK ]]
}

engine_api_version() {
    engine_get /version 2>/dev/null | sed -n 's/.*"ApiVersion":"\([^"]*\)".*/\1/p'
}

# Succeeds when the process in dockerd's default pid file is a running dockerd,
# for example one that an init script started and that does not respond yet.
dockerd_process_running() {
    local pid
    pid=$(cat /var/run/docker.pid 2>/dev/null) || return 1
    [[ $pid =~ ^[0-9]+$ && $(cat "/proc/$pid/comm" 2>/dev/null) == dockerd ]]
}

# Polls GET /_ping every 0.2 s until the engine returns OK. Fails with the log's
# tail after $engine_start_timeout seconds, or at once when the process $1
# (if given) has exited.
wait_for_engine() {
    local pid=$1 log=$2
    local deadline=$((SECONDS + engine_start_timeout))

    until engine_responds_to_ping; do
        if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then
            show_log_tail "$log"
            fail "dockerd exited during start-up" "full log: $log"
        fi
        if ((SECONDS >= deadline)); then
            if [[ -r $log ]]; then
                show_log_tail "$log"
            fi
            fail "the docker engine did not respond to GET /_ping within $engine_start_timeout s" "log: $log"
        fi
        sleep 0.2
    done
}

# Starts dockerd in its own session, so that neither the end of this script
# nor Ctrl-C stops it, and waits until it responds. The daemon keeps running
# for later runs. When installing docker.io has already started a daemon
# through its init script, this waits for that daemon instead.
start_local_engine() {
    local log="${TMPDIR:-/tmp}/berth-dockerd.log"
    local pid="" state=started

    require_command dockerd docker.io
    if dockerd_process_running; then
        # Debian's init script logs there, but under systemd the log is in the journal.
        log=/var/log/docker.log
        state="started by the system"
    else
        setsid dockerd >>"$log" 2>&1 </dev/null &
        pid=$!
    fi

    wait_for_engine "$pid" "$log"
    phase "docker engine: $state (API $(engine_api_version), log $log)"
}

# Uses the engine at DOCKER_HOST or at the default socket when it responds to
# GET /_ping, and otherwise starts dockerd on the default socket. A daemon that
# responds is never restarted.
ensure_engine() {
    require_command curl curl
    resolve_engine_address

    if engine_responds_to_ping; then
        require_command docker docker.io
        phase "docker engine: running (API $(engine_api_version))"
        return
    fi
    if [[ -n ${DOCKER_HOST:-} ]]; then
        fail "the docker engine at DOCKER_HOST=$DOCKER_HOST does not respond to GET /_ping" \
            "start it, or unset DOCKER_HOST so that scripts/test uses or starts the engine at $default_docker_socket"
    fi

    start_local_engine
    require_command docker docker.io
}
