#!/usr/bin/env bash
# Makes the offline stand-in base images (no container registry needed) from the recipes in
# tools/machine/base-images/<name>/: image.conf, Dockerfile, and an optional prepare-context.sh that
# adds what the build needs. An image whose recipe-hash label matches its recipe is left alone.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

RECIPES=$here/base-images
# Bump when this script changes how a recipe becomes an image: every image is then made again.
RECIPE_FORMAT=1
LABEL=dev.sagemaker-templates

usage() {
  cat <<EOF
Usage: bash tools/machine/make-base-images.sh [--only NAME]... [--force] [--check]

Makes the offline stand-in base images. An image that exists with the same recipe is kept.
  --only NAME  only this image (and what it is built on, when that is missing or out of date);
               NAME is a folder of tools/machine/base-images or the image reference; repeatable
  --force      make the selected images again, without the layer cache, even when up to date
  --check      make nothing; exit 1 when an image is missing or out of date
Images: $(for d in "$RECIPES"/*/; do basename "$d"; done | tr '\n' ' ')
Environment: SAGEMAKER_TEMPLATES_CACHE (downloads; default \${XDG_CACHE_HOME:-\$HOME/.cache}/sagemaker-templates),
  SAGEMAKER_TEMPLATES_DOCKER (Docker client; default /usr/bin/docker), DOCKER_HOST, TMPDIR.
EOF
}

only=() force=0 check=0
while [ $# -gt 0 ]; do
  case $1 in
    --only) [ $# -ge 2 ] || fail "--only needs an image name. Run with --help for the list."; IFS=, read -ra more <<<"$2"; only+=("${more[@]}"); shift 2 ;;
    --only=*) IFS=, read -ra more <<<"${1#--only=}"; only+=("${more[@]}"); shift ;;
    --force) force=1; shift ;;
    --check) check=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; fail "unknown argument '$1'." ;;
  esac
done

# shellcheck disable=SC1090
conf() { (. "$RECIPES/$1/image.conf"; eval "printf '%s' \"\${$2:-}\""); }

# Recipes in build order: every image after the one it is built on.
all=()
for dir in "$RECIPES"/*/; do
  name=$(basename "$dir")
  [ -f "$dir/Dockerfile" ] && [ -f "$dir/image.conf" ] && all+=("$name")
done
order=()
while [ "${#order[@]}" -lt "${#all[@]}" ]; do
  progress=0
  for name in "${all[@]}"; do
    [[ " ${order[*]} " == *" $name "* ]] && continue
    parent=$(conf "$name" PARENT)
    if [ -z "$parent" ] || [[ " ${order[*]} " == *" $parent "* ]]; then order+=("$name"); progress=1; fi
  done
  [ "$progress" -eq 1 ] || fail "base-images recipes name a PARENT that does not exist or form a cycle: check PARENT= in tools/machine/base-images/*/image.conf."
done

declare -A wanted=() forced=()
if [ "${#only[@]}" -eq 0 ]; then
  for name in "${order[@]}"; do wanted[$name]=1; [ "$force" -eq 1 ] && forced[$name]=1; done
else
  for pick in "${only[@]}"; do
    match=
    for name in "${order[@]}"; do
      if [ "$pick" = "$name" ] || [ "$pick" = "$(conf "$name" IMAGE)" ]; then match=$name; fi
    done
    [ -n "$match" ] || fail "no base image '$pick'. Known: ${order[*]} (folders of tools/machine/base-images)."
    [ "$force" -eq 1 ] && forced[$match]=1
    while [ -n "$match" ]; do wanted[$match]=1; match=$(conf "$match" PARENT); done
  done
fi

bash "$here/ensure-docker.sh"
[ -x "$DOCKER_CLI" ] || fail "the Docker client $DOCKER_CLI is missing. Run bash tools/machine/ensure-docker.sh (or set SAGEMAKER_TEMPLATES_DOCKER)."
docker() { "$DOCKER_CLI" "$@"; }

mkdir -p "$MACHINE_CACHE/logs"
exec 9>"$MACHINE_CACHE/make-base-images.lock"
if ! flock -n 9; then
  say "another make-base-images run holds $MACHINE_CACHE/make-base-images.lock; waiting for it"
  flock 9
fi

contexts=()
cleanup() { local c; for c in "${contexts[@]}"; do rm -rf --one-file-system "$c"; done; }
trap cleanup EXIT

image_id() { docker image inspect -f '{{.Id}}' "$1" 2>/dev/null || true; }
image_label() { docker image inspect -f "{{index .Config.Labels \"$2\"}}" "$1" 2>/dev/null || true; }

# What makes the image: this script's format, the image.conf and every recipe file (name,
# executable or not, content), and the exact image it is built on (a remade parent means a remade
# child). Only the executable bit counts, as git keeps no other mode bits.
recipe_hash() {
  local name=$1 parent_id=$2
  {
    printf 'format %s\nparent %s\n' "$RECIPE_FORMAT" "$parent_id"
    (cd "$RECIPES/$name" && find . -type f -print0 | LC_ALL=C sort -z | while IFS= read -r -d '' f; do
      printf '%s %s %s\n' "$f" "$(if [ -x "$f" ]; then echo x; else echo -; fi)" "$(sha256sum <"$f" | cut -d' ' -f1)"
    done)
  } | sha256sum | cut -d' ' -f1
}

human_size() { awk -v b="$1" 'BEGIN { printf "%.0f MB", b / 1000000 }'; }

total_start=$SECONDS
stale=0 made=0
old_ids=()
for name in "${order[@]}"; do
  [ -n "${wanted[$name]:-}" ] || continue
  image=$(conf "$name" IMAGE)
  parent=$(conf "$name" PARENT)
  stands_in_for=$(conf "$name" STANDS_IN_FOR)
  parent_image='' parent_id=''
  if [ -n "$parent" ]; then
    parent_image=$(conf "$parent" IMAGE)
    parent_id=$(image_id "$parent_image")
  fi
  hash=$(recipe_hash "$name" "$parent_id")
  old_id=$(image_id "$image")
  current=$(image_label "$image" "$LABEL.recipe-hash")
  if [ -z "$old_id" ]; then reason="missing"
  elif [ "$current" != "$hash" ]; then reason="recipe changed (image ${current:0:12}, recipe ${hash:0:12})"
  elif [ -n "${forced[$name]:-}" ]; then reason="--force"
  else
    say "$name: $image up to date (recipe ${hash:0:12}, $(human_size "$(docker image inspect -f '{{.Size}}' "$image")"))"
    continue
  fi
  if [ "$check" -eq 1 ]; then
    say "$name: $image needs making: $reason"
    stale=1
    continue
  fi

  say "$name: making $image (stands in for $stands_in_for): $reason"
  start=$SECONDS
  context=$(mktemp -d "${TMPDIR:-/var/tmp}/sagemaker-templates-$name.XXXXXX")
  contexts+=("$context")
  cp -a "$RECIPES/$name/." "$context/"
  rm -f "$context/prepare-context.sh" "$context/image.conf"
  if [ -f "$RECIPES/$name/prepare-context.sh" ]; then
    bash "$RECIPES/$name/prepare-context.sh" "$context"
  fi
  args=(--force-rm -t "$image"
    --label "$LABEL.recipe-hash=$hash"
    --label "$LABEL.stands-in-for=$stands_in_for"
    --label "$LABEL.base-image=$name")
  [ -n "$parent_image" ] && args+=(--build-arg "BASE_IMAGE=$parent_image")
  # Forced means made again for real (say, to take in Debian security updates), not from layer cache.
  [ -n "${forced[$name]:-}" ] && args+=(--no-cache)
  if [ -f "$context/build-args.env" ]; then
    while IFS= read -r line; do [ -n "$line" ] && args+=(--build-arg "$line"); done <"$context/build-args.env"
  fi
  log=$MACHINE_CACHE/logs/$name.log
  say "  docker build (full log: $log)"
  set +e
  docker build "${args[@]}" "$context" 2>&1 | tee "$log" | { grep --line-buffered -E '^Step [0-9]+/[0-9]+ : ' | cut -c1-110 | sed -u 's/^/[machine]   /'; true; }
  status=${PIPESTATUS[0]}
  set -e
  if [ "$status" -ne 0 ]; then
    printf '[machine] error: docker build of %s failed. Last lines of %s:\n' "$image" "$log" >&2
    tail -n 25 "$log" >&2
    fail "fix the recipe in tools/machine/base-images/$name (or the problem the log shows), then rerun: bash tools/machine/make-base-images.sh --only $name"
  fi
  rm -rf --one-file-system "$context"

  verify=$(conf "$name" VERIFY)
  if [ -n "$verify" ]; then
    if ! out=$(docker run --rm --network none --entrypoint sh "$image" -c "$verify" 2>&1); then
      printf '%s\n' "$out" >&2
      fail "the new $image fails its check ($verify). Fix the recipe in tools/machine/base-images/$name, then rerun with --only $name --force."
    fi
    say "  check: $(printf '%s' "$out" | tr '\n' ' ')"
  fi
  new_id=$(image_id "$image")
  if [ -n "$old_id" ] && [ "$old_id" != "$new_id" ]; then old_ids=("$old_id" "${old_ids[@]}"); fi
  made=$((made + 1))
  say "$name: made $image in $((SECONDS - start)) s ($(human_size "$(docker image inspect -f '{{.Size}}' "$image")"))"
done

# Earlier versions of remade images, children first; one still used by something else stays.
for id in "${old_ids[@]}"; do docker image rm "$id" >/dev/null 2>&1 || true; done

if [ "$check" -eq 1 ]; then
  [ "$stale" -eq 0 ] && say "base images: all up to date" && exit 0
  say "base images: some need making. Run: bash tools/machine/make-base-images.sh"
  exit 1
fi
if [ "$made" -eq 0 ]; then
  say "base images: all up to date ($((SECONDS - total_start)) s)"
else
  say "base images: made $made in $((SECONDS - total_start)) s"
fi
