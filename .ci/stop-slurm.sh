#!/usr/bin/env bash
# Stop the one-node Slurm started by .ci/start-slurm.sh (and munged, unless --keep-munge).
# Idempotent; run as root. Removes /run/slurmctld.pid (a stale one makes a later
# `apt-get purge slurmctld` fail).
set -uo pipefail

KEEP_MUNGE=0
[ "${1:-}" = "--keep-munge" ] && KEEP_MUNGE=1

log() { echo "[stop-slurm] $*"; }

[ "$(id -u)" -eq 0 ] || { echo "[stop-slurm] ERROR: must be run as root" >&2; exit 1; }

# If systemd manages the services (e.g. started by apt's postinst), stop them there too.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    systemctl stop slurmd slurmctld >/dev/null 2>&1 || true
fi

# stop_daemon NAME PIDFILE: SIGTERM the daemon, wait up to 10 s, then SIGKILL.
stop_daemon() {
    local name="$1" pidfile="$2" pids="" pid
    if [ -s "$pidfile" ]; then
        pid="$(cat "$pidfile" 2>/dev/null || true)"
        if [ -n "$pid" ] && [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = "$name" ]; then
            pids="$pid"
        fi
    fi
    # exact process name match only (not -f), in case the pid file is missing
    pids="$pids $(pgrep -x "$name" 2>/dev/null | tr '\n' ' ')"
    pids="$(echo $pids | tr ' ' '\n' | sort -u | tr '\n' ' ')"
    if [ -z "${pids// /}" ]; then
        log "$name not running"
    else
        log "stopping $name (pid $pids)"
        kill -TERM $pids 2>/dev/null || true
        for _ in $(seq 1 20); do
            alive=0
            for pid in $pids; do kill -0 "$pid" 2>/dev/null && alive=1; done
            [ "$alive" = 0 ] && break
            sleep 0.5
        done
        for pid in $pids; do
            if kill -0 "$pid" 2>/dev/null; then
                log "$name pid $pid did not exit; sending SIGKILL"
                kill -KILL "$pid" 2>/dev/null || true
            fi
        done
    fi
    rm -f "$pidfile"
}

# Cancel jobs first so slurmstepd processes do not linger.
if pgrep -x slurmctld >/dev/null 2>&1 && command -v scancel >/dev/null 2>&1; then
    timeout 10 bash -c 'squeue -h -o %i | xargs -r scancel' >/dev/null 2>&1 || true
fi

stop_daemon slurmd /run/slurmd.pid
stop_daemon slurmctld /run/slurmctld.pid
rm -f /run/slurmctld.pid /run/slurmd.pid

if [ "$KEEP_MUNGE" = 0 ]; then
    if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
        systemctl stop munge >/dev/null 2>&1 || true
    fi
    stop_daemon munged /run/munge/munged.pid
fi
log "done"
exit 0
