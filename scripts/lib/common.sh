# shellcheck shell=bash disable=SC2154
# Output, logging and package helpers for scripts/test. Sourced, not run.
# Uses $work_dir, the directory for this run's logs, which scripts/test sets.
#
# Commands run with their output in log files under $work_dir, so a passing
# phase prints one line and a failing one prints the tail of its log.

# Prints one progress line for a finished phase.
phase() {
    printf '==> %s\n' "$*"
}

# Prints an error, then each further argument as an indented detail line, and
# exits 1.
fail() {
    printf 'error: %s\n' "$1" >&2
    shift
    local line
    for line in "$@"; do
        printf '  %s\n' "$line" >&2
    done
    exit 1
}

# Prints the last lines of a log file to stderr.
show_log_tail() {
    local file=$1 count=${2:-40}
    printf -- '--- last %s lines of %s\n' "$count" "$file" >&2
    tail -n "$count" "$file" >&2
    printf -- '---\n' >&2
}

# Runs a command with stdout and stderr in a log file. On failure it shows the
# log's tail and exits 1 with the description.
run_logged() {
    local log=$1 description=$2
    shift 2

    if "$@" >"$log" 2>&1; then
        return
    fi
    show_log_tail "$log"
    fail "$description failed" "full log: $log"
}

apt_index_updated=false

# Installs Debian packages with apt-get, running apt-get update once per run.
apt_install() {
    if [[ $(id -u) != 0 ]]; then
        fail "installing $* needs root" "install it with apt-get (as root), then run scripts/test again"
    fi
    if ! command -v apt-get >/dev/null; then
        fail "installing $* needs apt-get, which is missing" "install it with the system's package manager"
    fi

    if [[ $apt_index_updated == false ]]; then
        run_logged "$work_dir/apt-update.log" "apt-get update" \
            env DEBIAN_FRONTEND=noninteractive apt-get update
        apt_index_updated=true
    fi
    run_logged "$work_dir/apt-install.log" "apt-get install $*" \
        env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@"
    hash -r
    phase "installed with apt-get: $*"
}

# Installs the Debian package $2 unless the command $1 is on PATH.
require_command() {
    local command=$1 package=$2

    if command -v "$command" >/dev/null; then
        return
    fi
    apt_install "$package"
    if ! command -v "$command" >/dev/null; then
        fail "$command is still missing after installing the Debian package $package"
    fi
}
