#!/usr/bin/env bash
# Lets this machine build and run images of the other architecture (arm64 on amd64, amd64 on
# arm64): Debian's qemu-user-static, and its binfmt_misc handler registered with the F flag, which
# opens QEMU once at registration so that containers (whose file systems have no QEMU) find it.
# Does only what is missing; safe to run any number of times.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

binfmt=/proc/sys/fs/binfmt_misc
case $(dpkg --print-architecture 2>/dev/null || uname -m) in
  amd64|x86_64) handler=qemu-aarch64 ;;
  arm64|aarch64) handler=qemu-x86_64 ;;
  *) fail "this machine's architecture ($(uname -m)) is neither amd64 nor arm64; nothing to emulate." ;;
esac

apt_install qemu-user-static
if [ ! -e "$binfmt/register" ]; then
  as_root mount -t binfmt_misc binfmt_misc "$binfmt" 2>/dev/null \
    || fail "cannot mount binfmt_misc at $binfmt (this needs root on the host, not in an unprivileged container). Run: mount -t binfmt_misc binfmt_misc $binfmt"
fi

registered() { [ -e "$binfmt/$handler" ] && head -n 1 "$binfmt/$handler" | grep -qx enabled && grep -q '^flags: .*F' "$binfmt/$handler"; }
if ! registered; then
  conf=/usr/lib/binfmt.d/$handler.conf
  [ -f "$conf" ] || fail "qemu-user-static installed no $conf. Reinstall it (apt-get install --reinstall qemu-user-static)."
  # A handler without the F flag (or disabled) is replaced by Debian's, which has it (flags OCF/POF).
  [ -e "$binfmt/$handler" ] && { echo -1 | as_root tee "$binfmt/$handler" >/dev/null; }
  grep -v '^#' "$conf" | as_root tee "$binfmt/register" >/dev/null
  registered || fail "registering $handler in $binfmt did not take (see $binfmt/$handler). Register it by hand: grep -v '^#' $conf > $binfmt/register"
  say "emulation: registered $handler ($(sed -n 's/^flags: //p' "$binfmt/$handler"))"
else
  say "emulation: $handler registered ($(sed -n 's/^interpreter //p' "$binfmt/$handler"), flags $(sed -n 's/^flags: //p' "$binfmt/$handler"))"
fi
