#!/usr/bin/env bash
# Makes sure a Docker engine answers: installs Debian's docker.io when dockerd is missing, clears a
# stale pid file left by a killed dockerd, and starts dockerd detached so it outlives this script.
# Safe to run any number of times; does nothing when an engine already answers.
#
# Honoured: DOCKER_HOST (only checked, never started), SAGEMAKER_TEMPLATES_DOCKERD_LOG,
# SAGEMAKER_TEMPLATES_DOCKERD_ARGS (extra dockerd flags), SAGEMAKER_TEMPLATES_DOCKER_WAIT_S (default 60).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

DOCKERD=/usr/sbin/dockerd
SOCKET=/var/run/docker.sock
PIDFILE=/var/run/docker.pid
CONTAINERD_PIDFILE=/var/run/docker/containerd/containerd.pid
LOG=${SAGEMAKER_TEMPLATES_DOCKERD_LOG:-/var/log/sagemaker-templates-dockerd.log}
WAIT_S=${SAGEMAKER_TEMPLATES_DOCKER_WAIT_S:-60}

engine_answers() {
  if [ -x "$DOCKER_CLI" ]; then
    "$DOCKER_CLI" info >/dev/null 2>&1 && return 0
  fi
  if [ -z "${DOCKER_HOST:-}" ] && command -v curl >/dev/null 2>&1 && [ -S "$SOCKET" ]; then
    [ "$(curl -fsS --max-time 5 --unix-socket "$SOCKET" http://x/_ping 2>/dev/null)" = OK ] && return 0
  fi
  return 1
}

# Whether pid is a live process (not a zombie: some inits never reap) running this program.
pid_runs() {
  local pid=$1 program=$2 stat
  [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$program" ] || return 1
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

# A pid file is stale when its process is gone or is some other program that reused the pid.
clear_stale_pidfile() {
  local file=$1 program=$2 pid
  [ -e "$file" ] || return 0
  pid=$(tr -dc '0-9' <"$file" 2>/dev/null || true)
  pid_runs "$pid" "$program" && return 0
  say "removing stale $file (pid ${pid:-none} is not a running $program)"
  as_root rm -f "$file"
}

running_dockerd_pid() {
  local pid
  [ -e "$PIDFILE" ] || return 1
  pid=$(tr -dc '0-9' <"$PIDFILE" 2>/dev/null || true)
  pid_runs "$pid" dockerd && echo "$pid"
}

if [ -n "${DOCKER_HOST:-}" ]; then
  [ -x "$DOCKER_CLI" ] || fail "DOCKER_HOST=$DOCKER_HOST is set but the Docker client $DOCKER_CLI is missing. Install it (apt-get install docker.io) or set SAGEMAKER_TEMPLATES_DOCKER to a client."
  if engine_answers; then
    say "Docker engine at DOCKER_HOST=$DOCKER_HOST answers"
    exit 0
  fi
  fail "DOCKER_HOST=$DOCKER_HOST is set but no engine answers there. Start that engine, or unset DOCKER_HOST to let this script start a local dockerd."
fi

if engine_answers; then
  say "Docker engine answers on $SOCKET"
  exit 0
fi

if [ ! -x "$DOCKERD" ] || [ ! -x "$DOCKER_CLI" ]; then
  say "no Docker engine here: installing Debian's docker.io"
  apt_install docker.io ca-certificates curl
  [ -x "$DOCKERD" ] || fail "docker.io is installed but $DOCKERD is missing. Reinstall it: apt-get install --reinstall docker.io"
  # The package's init script may have started the engine already.
  if engine_answers; then
    say "Docker engine answers on $SOCKET"
    exit 0
  fi
fi

pid=$(running_dockerd_pid || true)
if [ -n "$pid" ]; then
  say "dockerd (pid $pid) is running but not answering yet; waiting for it"
else
  clear_stale_pidfile "$PIDFILE" dockerd
  clear_stale_pidfile "$CONTAINERD_PIDFILE" containerd
  as_root mkdir -p "$(dirname "$LOG")"
  say "starting $DOCKERD (log: $LOG)"
  printf '\n==== %s started by tools/machine/ensure-docker.sh ====\n' "$(date -Is)" | as_root tee -a "$LOG" >/dev/null
  # setsid + nohup: its own session, so it outlives this script, the caller and their terminal.
  # Word splitting of SAGEMAKER_TEMPLATES_DOCKERD_ARGS is wanted: it holds several flags.
  # shellcheck disable=SC2016,SC2086
  as_root sh -c 'log=$1; shift; exec setsid -f nohup "$@" >>"$log" 2>&1 </dev/null' sh "$LOG" "$DOCKERD" ${SAGEMAKER_TEMPLATES_DOCKERD_ARGS:-}
fi

start=$SECONDS next_report=5
while ! engine_answers; do
  waited=$((SECONDS - start))
  if [ "$waited" -ge "$WAIT_S" ]; then
    printf '[machine] error: the Docker engine did not answer within %s s. Last lines of %s:\n' "$WAIT_S" "$LOG" >&2
    tail -n 30 "$LOG" >&2 || true
    fail "fix the problem the log shows, then rerun tools/machine/ensure-docker.sh (a longer wait: SAGEMAKER_TEMPLATES_DOCKER_WAIT_S=120)."
  fi
  if [ "$waited" -ge 3 ] && ! running_dockerd_pid >/dev/null; then
    printf '[machine] error: dockerd exited during start-up. Last lines of %s:\n' "$LOG" >&2
    tail -n 30 "$LOG" >&2 || true
    fail "fix the problem the log shows, then rerun tools/machine/ensure-docker.sh."
  fi
  if [ "$waited" -ge "$next_report" ]; then
    say "waiting for the Docker engine (${waited} s of ${WAIT_S} s)"
    next_report=$((waited + 5))
  fi
  sleep 1
done
say "Docker engine answers on $SOCKET (after $((SECONDS - start)) s)"
