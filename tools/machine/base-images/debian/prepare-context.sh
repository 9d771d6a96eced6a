#!/usr/bin/env bash
# Makes rootfs.tar in the build context (argument 1): Debian bookworm from deb.debian.org with
# debootstrap (minbase + ca-certificates), trimmed like debian:bookworm-slim, without apt lists,
# caches or anything of the host (resolv.conf, hostname, CA certificates).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=/dev/null
. "$here/../../lib.sh"

context=$1
# The architecture to make (amd64 or arm64; make-base-image.ts sets it from --platform). Another
# one than the host's runs debootstrap's second stage under QEMU (tools/machine/ensure-emulation.sh).
arch=${TARGET_ARCH:-$(dpkg --print-architecture)}
SUITE=bookworm
MIRROR=http://deb.debian.org/debian

command -v debootstrap >/dev/null 2>&1 || apt_install debootstrap debian-archive-keyring
[ -e /usr/share/keyrings/debian-archive-keyring.gpg ] || apt_install debian-archive-keyring

rootfs=$context/rootfs
mkdir -p "$MACHINE_CACHE/debootstrap"
# debootstrap mounts /proc and /sys inside the target; never delete through a mount.
unmount_rootfs() {
  awk -v r="$rootfs/" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r | while IFS= read -r m; do
    as_root umount -l "$m" 2>/dev/null || true
  done
}
trap 'unmount_rootfs; as_root rm -rf --one-file-system "$rootfs"' EXIT

say "  debootstrap --arch $arch --variant=minbase $SUITE from $MIRROR (log: $context/debootstrap.log)"
if ! as_root debootstrap --arch "$arch" --variant=minbase --include=ca-certificates \
  --keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
  --cache-dir="$MACHINE_CACHE/debootstrap" "$SUITE" "$rootfs" "$MIRROR" >"$context/debootstrap.log" 2>&1; then
  tail -n 20 "$context/debootstrap.log" >&2
  [ -e "$rootfs/debootstrap/debootstrap.log" ] && tail -n 20 "$rootfs/debootstrap/debootstrap.log" >&2
  fail "debootstrap failed (log above). Check that $MIRROR is reachable, then rerun."
fi
unmount_rootfs

cp -a "$here/overlay/." "$rootfs/"
rm -f "$rootfs/etc/apt/sources.list"
# What follows the dpkg excludes in overlay/ would have kept out of the installed packages.
find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
rm -rf "$rootfs"/usr/share/{info,groff,linda,lintian,man}/*
find "$rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
# No apt lists or caches, no logs, nothing of the host (the engine provides these at run time).
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/* "$rootfs"/var/cache/debconf/*-old \
  "$rootfs/debootstrap" "$rootfs"/tmp/* "$rootfs"/var/tmp/* "$rootfs"/root/.cache
mkdir -p "$rootfs/var/lib/apt/lists/partial" "$rootfs/var/cache/apt/archives/partial"
find "$rootfs/var/log" -type f -delete
rm -f "$rootfs/etc/resolv.conf" "$rootfs/etc/hostname"
: >"$rootfs/etc/machine-id"
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$rootfs/etc/hosts"

# Only the distribution's own CA bundle: a CA of this host must never reach an image.
if [ -n "$(ls -A "$rootfs/usr/local/share/ca-certificates" 2>/dev/null)" ]; then
  fail "the root file system has certificates in /usr/local/share/ca-certificates; refusing to make an image that carries a host CA."
fi

# /dev, /proc and /sys come from the engine; device nodes in a layer only get in the way.
tar -C "$rootfs" --numeric-owner --xattrs --exclude=./dev/* --exclude=./proc/* --exclude=./sys/* \
  -cf "$context/rootfs.tar" .
say "  root file system: $(du -sm --apparent-size "$context/rootfs.tar" | cut -f1) MB"
