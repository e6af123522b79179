# shellcheck shell=bash disable=SC2154
# Builds the fixture images offline from Debian packages. Sourced, not run.
# Uses $work_dir (this run's logs) and $fixture_dir (scripts/fixtures), which
# scripts/test sets.
#
# A recipe is a directory under scripts/fixtures/ with:
#   packages         Debian packages for the rootfs, one a line, # comments
#   Dockerfile       built FROM the rootfs image, given as BASE_IMAGE
#   essential-hook   optional, run by mmdebstrap before the packages install
#   customize-hook   optional, run by mmdebstrap after the packages install
# plus whatever the Dockerfile copies. mmdebstrap builds a bookworm rootfs from
# the packages, `docker import` turns it into the base image <name>-rootfs:<tag>,
# and `docker build` adds the rest. Both images carry the label
# berth.fixture.recipe=<sha256 of the files they are built from>, and each is
# built only when it is missing or its label differs. Nothing is ever pulled.

readonly recipe_label=berth.fixture.recipe
readonly binary_label=berth.fixture.binary
fixtures_library=$(realpath "${BASH_SOURCE[0]}")
readonly fixtures_library

# Prints a sha256 over this library, whose code is part of every build, and
# over the path, executable bit and content of each file in recipe directory
# $1. Name patterns for find(1) after $1 select the files, and without them
# every file counts.
recipe_hash() {
    local dir=$1
    shift
    local -a filter=()
    if (($# > 0)); then
        filter=(-name "$1")
        shift
        while (($# > 0)); do
            filter+=(-o -name "$1")
            shift
        done
        filter=("(" "${filter[@]}" ")")
    fi

    {
        sha256sum "$fixtures_library" | cut -d' ' -f1
        (
            cd "$dir" || exit 1
            find . -type f "${filter[@]}" -print0 | LC_ALL=C sort -z | while IFS= read -r -d '' file; do
                if [[ -x $file ]]; then printf 'x '; else printf -- '- '; fi
                sha256sum "$file"
            done
        )
    } | sha256sum | cut -d' ' -f1
}

# Prints the value of label $2 on image $1, or nothing when the image is missing.
image_label() {
    docker image inspect --format "{{index .Config.Labels \"$2\"}}" "$1" 2>/dev/null || true
}

image_id() {
    docker image inspect --format '{{.Id}}' "$1" 2>/dev/null || true
}

# Removes an image that a rebuild has replaced. An image that still has
# another tag, or that a container uses, stays.
remove_replaced_image() {
    local old_id=$1 image=$2
    if [[ -n $old_id && $old_id != "$(image_id "$image")" ]]; then
        docker image rm "$old_id" >/dev/null 2>&1 || true
    fi
}

# Prints the recipe's packages as one comma-separated list.
recipe_packages() {
    sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$1/packages" | paste -s -d, -
}

# Streams a bookworm rootfs from mmdebstrap into `docker import`. mmdebstrap
# uses deb.debian.org with bookworm-updates and bookworm-security. Manual
# pages, documentation and translations are left out to keep the image small.
import_rootfs() {
    local dir=$1 base=$2 hash=$3
    local -a hooks=()
    local hook
    for hook in essential customize; do
        if [[ -x $dir/$hook-hook ]]; then
            hooks+=("--$hook-hook=$dir/$hook-hook")
        fi
    done

    mmdebstrap --variant=apt --include="$(recipe_packages "$dir")" "${hooks[@]}" \
        --dpkgopt='path-exclude=/usr/share/man/*' \
        --dpkgopt='path-exclude=/usr/share/doc/*' \
        --dpkgopt='path-exclude=/usr/share/info/*' \
        --dpkgopt='path-exclude=/usr/share/locale/*' \
        --format=tar bookworm - </dev/null |
        docker import --change "LABEL $recipe_label=$hash" - "$base"
}

# Runs `docker build` with the legacy builder, which takes FROM from the local
# image store, and without network access for RUN steps.
build_image() {
    local context=$1 image=$2
    shift 2
    DOCKER_BUILDKIT=0 docker build --pull=false --network=none --tag "$image" "$@" "$context"
}

# Builds the fixture image $2 from scripts/fixtures/$1 unless an image with the
# same recipe hash exists. The rootfs image has its own hash of the package
# list and the hooks, so a change to the Dockerfile or the entrypoint reuses it.
ensure_fixture() {
    local name=$1 image=$2
    local dir=$fixture_dir/$name
    local base="${image%:*}-rootfs:${image##*:}"
    local short=${image#localhost/berth-fixtures/}
    local hash rootfs_hash started=$SECONDS old_base old_image
    hash=$(recipe_hash "$dir")
    rootfs_hash=$(recipe_hash "$dir" packages '*-hook')

    if [[ $(image_label "$image" "$recipe_label") == "$hash" ]]; then
        phase "fixture $short: cached"
        return
    fi

    old_base=$(image_id "$base")
    if [[ $(image_label "$base" "$recipe_label") != "$rootfs_hash" ]]; then
        require_command mmdebstrap mmdebstrap
        run_logged "$work_dir/$name-rootfs.log" "building the rootfs image $base" \
            import_rootfs "$dir" "$base" "$rootfs_hash"
    fi

    old_image=$(image_id "$image")
    run_logged "$work_dir/$name-build.log" "building the fixture image $image" \
        build_image "$dir" "$image" --build-arg "BASE_IMAGE=$base" --label "$recipe_label=$hash"
    remove_replaced_image "$old_image" "$image"
    remove_replaced_image "$old_base" "$base"
    phase "fixture $short: built in $((SECONDS - started)) s"
}

# Builds the runner image $3 from the runner-base image $2 and the berth binary
# $1. It is skipped when the binary, the base image and the recipe are all
# unchanged since the last build, which the image's label records.
ensure_runner_image() {
    local binary=$1 base=$2 image=$3
    local short=${image#localhost/berth-fixtures/}
    local key context old_image
    key=$({ sha256sum <"$binary" && image_id "$base" && recipe_hash "$fixture_dir/runner"; } |
        sha256sum | cut -d' ' -f1)

    if [[ $(image_label "$image" "$binary_label") == "$key" ]]; then
        phase "fixture $short: cached (binary unchanged)"
        return
    fi

    context=$(mktemp -d "$work_dir/runner-context.XXXXXX")
    cp "$fixture_dir/runner/Dockerfile" "$context/"
    ln "$binary" "$context/berth" 2>/dev/null || cp "$binary" "$context/berth"
    old_image=$(image_id "$image")
    run_logged "$work_dir/runner-build.log" "building the runner image $image" \
        build_image "$context" "$image" --build-arg "BASE_IMAGE=$base" --label "$binary_label=$key"
    rm -rf "$context"
    remove_replaced_image "$old_image" "$image"
    phase "fixture $short: built with $binary"
}
