# shellcheck shell=bash
# Sourced by .ci/action-run and .ci/release-check: one way to build, push, pull and run the
# action's image, whichever engine this machine has.
#
# - docker: a Docker engine answers (GitHub's runners, a developer's machine);
# - buildah: no engine answers, but ../shared/tools/container.sh is beside the checkout (the
#   project's home machine, where nothing can be pulled from Docker Hub or ghcr.io): it builds
#   the Dockerfile unchanged on stand-in base images, and its buildah storage is used here.
# Nothing here may end the caller's process group: cleanup kills only what it started.

CI_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STAND_IN=$CI_ROOT/../shared/tools/container.sh

say() { echo "${SAY_AS:-image check}: $*"; }
die() { echo "${SAY_AS:-image check}: $*" >&2; exit 1; }

# Root for what needs it (ownership, reading as another user, apt): sudo when not root.
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo -n "$@"; fi; }

pick_engine() {
  if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
    ENGINE=docker
    say "engine: Docker $(docker version --format '{{.Server.Version}}' 2>/dev/null)"
  elif [[ -f $STAND_IN ]]; then
    ENGINE=buildah
    # container.sh keeps its images here (its header: "State lives in ..."); buildah reads
    # the same storage for push, pull and run.
    export CONTAINERS_STORAGE_CONF=${DIGEST_CONTAINER_HOME:-$HOME/.cache/digest-container}/storage.conf
    export BUILDAH_ISOLATION=chroot
    say "engine: buildah on the stand-in base images of ../shared/tools/container.sh (no Docker engine answers)"
  else
    die "no Docker engine answers (docker info) and there is no ../shared/tools/container.sh: start Docker, or run beside ../shared"
  fi
}

# image_build TAG LOG: the Dockerfile at the checkout's root, unchanged; the build's output in LOG.
image_build() {
  local rc=0
  case $ENGINE in
    docker) docker build --tag "$1" "$CI_ROOT" >"$2" 2>&1 || rc=$? ;;
    buildah) DIGEST_IMAGE=$1 bash "$STAND_IN" build "$CI_ROOT" >"$2" 2>&1 || rc=$? ;;
  esac
  [[ $rc -eq 0 ]] || { tail -n 20 "$2" >&2; die "the image did not build (exit $rc)"; }
}

# base_layers: how many layers the final stage's base image (the Dockerfile's last FROM) has.
base_layers() {
  local base
  base=$(awk 'toupper($1) == "FROM" { ref = $2 } END { print ref }' "$CI_ROOT/Dockerfile")
  case $ENGINE in
    # BuildKit keeps the bases it built from in its own cache, not always as images.
    docker) docker pull --quiet "$base" >/dev/null
      docker image inspect --format '{{len .RootFS.Layers}}' "$base" ;;
    # container.sh names its stand-in after the tag, without the digest.
    buildah) base=${base%%@*}; [[ $base == */* ]] || base=docker.io/library/$base
      buildah inspect --type image --format '{{len .OCIv1.RootFS.DiffIDs}}' "$base" ;;
  esac
}

# image_push LOCAL DEST: DEST a name on a plain-HTTP registry on 127.0.0.1.
image_push() {
  case $ENGINE in
    docker) docker tag "$1" "$2" && docker push --quiet "$2" >/dev/null ;;
    buildah) buildah push --quiet --tls-verify=false "$1" "docker://$2" >/dev/null ;;
  esac
}

image_pull() {
  case $ENGINE in
    docker) docker pull --quiet "$1" >/dev/null ;;
    buildah) buildah pull --quiet --tls-verify=false "docker://$1" >/dev/null ;;
  esac
}

image_remove() {
  case $ENGINE in
    docker) docker image rm --force "$@" >/dev/null 2>&1 || true ;;
    buildah) buildah rmi --force "$@" >/dev/null 2>&1 || true ;;
  esac
}

# container_exec IMAGE PROGRAM [ARG...]: another program of the image, instead of its entry point.
container_exec() {
  local image=$1 c rc=0; shift
  case $ENGINE in
    docker) docker run --rm --network none --entrypoint "$1" "$image" "${@:2}" || rc=$? ;;
    buildah) c=$(buildah from --pull=never --quiet "$image")
      buildah run --isolation chroot "$c" -- "$@" || rc=$?; buildah rm "$c" >/dev/null ;;
  esac
  return "$rc"
}

# engine_start IMAGE: seconds to start and end a container of IMAGE that runs `true`: the
# engine's own share of a container's start.
engine_start() {
  local t0=$EPOCHREALTIME c
  case $ENGINE in
    docker) docker run --rm --network host --entrypoint true "$1" ;;
    buildah) c=$(buildah from --pull=never --quiet "$1"); t0=$EPOCHREALTIME
      buildah run --isolation chroot --network host "$c" -- true; buildah rm "$c" >/dev/null ;;
  esac
  awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }'
}

# readable_as_runner PATH: can uid 1001 (the runner user of the job's later steps) read it?
readable_as_runner() {
  if [[ $(id -u) -eq 1001 ]]; then test -r "$1"
  else as_root setpriv --reuid=1001 --regid=1001 --clear-groups -- test -r "$1"; fi
}

# container_run IMAGE WORKSPACE FILE_COMMANDS HOME TIMEOUT [NAME=VALUE ...]: the image's own
# entry point, started as a runner starts a Docker action: the workspace at /github/workspace
# (also the working directory), runner variables, the file commands, inputs as INPUT_*.
# The host network, so the local servers on 127.0.0.1 answer. $LAUNCHED_FILE, when set, gets
# the time the container was started ($EPOCHREALTIME), after any copy of the image.
container_run() {
  local image=$1 ws=$2 files=$3 home=$4 timeout=$5; shift 5
  local -a env=(HOME=/github/home GITHUB_ACTIONS=true CI=true RUNNER_OS=Linux
    GITHUB_WORKSPACE=/github/workspace
    GITHUB_OUTPUT=/github/file_commands/set_output
    GITHUB_STEP_SUMMARY=/github/file_commands/step_summary
    GITHUB_ENV=/github/file_commands/set_env GITHUB_PATH=/github/file_commands/add_path "$@")
  local -a mounts=(-v "$ws:/github/workspace" -v "$home:/github/home"
    -v "$files:/github/file_commands")
  local kv rc=0
  local -a envs=(); for kv in "${env[@]}"; do envs+=(--env "$kv"); done
  case $ENGINE in
    docker)
      local name=digest-check-$$-$RANDOM
      [[ -n ${LAUNCHED_FILE:-} ]] && echo "$EPOCHREALTIME" > "$LAUNCHED_FILE"
      # KILL, to the client: the container's PID 1 (Python, no --init, as a runner starts
      # it) ignores a forwarded TERM; the container itself is removed just after.
      timeout -s KILL "$timeout" docker run --rm --name "$name" --network host \
        --workdir /github/workspace "${mounts[@]}" "${envs[@]}" "$image" || rc=$?
      docker rm --force "$name" >/dev/null 2>&1 || true
      [[ $rc == 137 ]] && rc=124
      ;;
    buildah)
      local -a entry; local c
      mapfile -t entry < <(buildah inspect --type image \
        --format '{{range .OCIv1.Config.Entrypoint}}{{println .}}{{end}}' "$image" | sed '/^$/d')
      c=$(buildah from --pull=never --quiet "$image")
      [[ -n ${LAUNCHED_FILE:-} ]] && echo "$EPOCHREALTIME" > "$LAUNCHED_FILE"
      buildah run --isolation chroot --network host "${mounts[@]}" \
        --workingdir /github/workspace "${envs[@]}" "$c" -- \
        /usr/bin/timeout -s KILL "$timeout" "${entry[@]}" || rc=$?
      buildah rm "$c" >/dev/null
      [[ $rc == 137 ]] && rc=124
      ;;
  esac
  return "$rc"
}
