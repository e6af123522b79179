#!/usr/bin/env bash
# Prepares what the benchmarks run: the Docker engine, the fixture images, a
# berth binary built from the working tree, and a runner image with that
# binary at /usr/local/bin/berth. It reuses scripts/lib, so the benchmarks
# measure the same build that scripts/test tests.
#
# Usage: bench/lib/prepare.sh [RUNNER_IMAGE]
# Prints the absolute path of the built berth binary on stdout, and progress
# on stderr. Without RUNNER_IMAGE it builds no runner image. The runner image
# is rebuilt only when the binary or the runner-base image changed.
set -Eeuo pipefail

if (($# > 1)) || [[ ${1:-} == -h || ${1:-} == --help ]]; then
    printf 'usage: %s [RUNNER_IMAGE]\n' "$0" >&2
    exit 64
fi
readonly runner_image=${1:-}

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
readonly repo_root
readonly fixture_dir=$repo_root/scripts/fixtures
readonly postgres_image=localhost/berth-fixtures/postgres:15
readonly runner_base_image=localhost/berth-fixtures/runner-base:bookworm

# shellcheck source=scripts/lib/common.sh
source "$repo_root/scripts/lib/common.sh"
# shellcheck source=scripts/lib/engine.sh
source "$repo_root/scripts/lib/engine.sh"
# shellcheck source=scripts/lib/fixtures.sh
source "$repo_root/scripts/lib/fixtures.sh"

# Keeps the logs of a failed preparation and removes them after a good one.
finish() {
    local status=$?
    if ((status != 0)); then
        printf 'logs of this preparation: %s\n' "$work_dir" >&2
    else
        rm -rf "$work_dir"
    fi
}

# Takes the lock that scripts/test holds during its set-up, so that the two
# never build the same fixture image at once.
lock_setup() {
    local lock="${TMPDIR:-/tmp}/berth-test-setup.lock"
    exec 9>"$lock"
    if ! flock --nonblock 9; then
        phase "waiting for a scripts/test run to finish its set-up ($lock)"
        flock 9
    fi
}

# Builds berth as scripts/test does: with the Swift runtime linked in, so
# that it runs in the plain Debian runner image, in .build-static.
build_berth() {
    local started=$SECONDS bin_path log=$work_dir/swift-build.log
    local -a build=(swift build --package-path "$repo_root" --scratch-path "$repo_root/.build-static"
        --static-swift-stdlib --product berth)

    case ":$PATH:" in
        *:/opt/swift/usr/bin:*) ;;
        *) export PATH=/opt/swift/usr/bin:$PATH ;;
    esac
    if ! command -v swift >/dev/null; then
        fail "swift is not on PATH, nor in /opt/swift/usr/bin" "install the Swift 6 toolchain there"
    fi

    if ! "${build[@]}" >"$log" 2>&1; then
        grep ': error: ' "$log" | awk '!seen[$0]++' | head -n 20 >&2 || show_log_tail "$log"
        fail "${build[*]} failed" "full log: $log"
    fi
    bin_path=$("${build[@]}" --show-bin-path)
    berth_binary=$bin_path/berth
    if [[ ! -x $berth_binary ]]; then
        fail "swift build succeeded but $berth_binary is missing"
    fi
    phase "berth: built $berth_binary in $((SECONDS - started)) s"
}

main() {
    # Progress goes to stderr; fd 3 keeps stdout for the binary's path.
    exec 3>&1 1>&2
    work_dir=$(mktemp -d "${TMPDIR:-/tmp}/berth-bench-prepare.XXXXXX")
    trap finish EXIT

    lock_setup
    ensure_engine
    ensure_fixture postgres "$postgres_image"
    if [[ -n $runner_image ]]; then
        ensure_fixture runner-base "$runner_base_image"
    fi
    build_berth
    if [[ -n $runner_image ]]; then
        ensure_runner_image "$berth_binary" "$runner_base_image" "$runner_image"
    fi
    exec 9>&-

    printf '%s\n' "$berth_binary" >&3
}

main
