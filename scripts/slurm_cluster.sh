#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A real single-node Slurm cluster on this machine, started without systemd, for testing
# `waferbench sweep --launcher slurm` (Debian's slurmctld, slurmd and munge; scripts/setup.sh
# installs them). Everything but munged's socket lives in DIR; run as root.
#
#   scripts/slurm_cluster.sh up DIR [PORT]   config in DIR/etc, daemons started, waits for the node
#   scripts/slurm_cluster.sh down DIR        stops the daemons (munged too, if `up` started it)
#
# Clients (sbatch, squeue, waferbench sweep) need SLURM_CONF=DIR/etc/slurm.conf. PORT (default
# 6817) and PORT+1 are slurmctld's and slurmd's ports on 127.0.0.1.
set -euo pipefail

usage() { echo "usage: $0 up|down DIR [PORT]" >&2; exit 2; }
[ $# -ge 2 ] || usage
cmd=$1
W=$(realpath -m "$2")
port=${3:-6817}
export SLURM_CONF=$W/etc/slurm.conf

stop_pid_file() {  # kill the daemon of a pid file and wait until it is gone
  [ -f "$1" ] || return 0
  local pid
  pid=$(cat "$1")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$1"
}

case $cmd in
up)
  mkdir -p "$W/etc" "$W/state" "$W/spool" "$W/log"
  node=$(slurmd -C | head -n 1)  # NodeName=<host> CPUs=... RealMemory=...
  cat > "$SLURM_CONF" <<CONF
ClusterName=waferbench
SlurmctldHost=$(hostname -s)(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
StateSaveLocation=$W/state
SlurmdSpoolDir=$W/spool
SlurmctldPidFile=$W/slurmctld.pid
SlurmdPidFile=$W/slurmd.pid
SlurmctldLogFile=$W/log/slurmctld.log
SlurmdLogFile=$W/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerParameters=batch_sched_delay=0
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
JobCompType=jobcomp/filetxt
JobCompLoc=$W/log/jobcomp.txt
$node NodeAddr=127.0.0.1
PartitionName=debug Nodes=ALL Default=YES State=UP
CONF
  # cgroup v1 names: without systemd, hybrid/v2 are fatal for slurmd 22.05 (task/none uses none).
  echo "CgroupPlugin=cgroup/v1" > "$W/etc/cgroup.conf"
  install -d -o munge -g munge -m 0755 /run/munge
  if ! munge -n >/dev/null 2>&1; then
    runuser -u munge -- /usr/sbin/munged
    touch "$W/munged.ours"
  fi
  slurmctld
  slurmd
  for _ in $(seq 150); do
    state=$(sinfo -h -N -o %T 2>/dev/null | head -n 1 || true)
    if [ "$state" = idle ]; then
      echo "slurm: node idle; export SLURM_CONF=$SLURM_CONF"
      exit 0
    fi
    sleep 0.2
  done
  echo "slurm: the node did not come up (state '${state:-none}'); logs in $W/log" >&2
  exit 1
  ;;
down)
  stop_pid_file "$W/slurmd.pid"
  stop_pid_file "$W/slurmctld.pid"
  if [ -f "$W/munged.ours" ]; then
    runuser -u munge -- /usr/sbin/munged --stop >/dev/null 2>&1 || true
    rm -f "$W/munged.ours"
  fi
  ;;
*) usage ;;
esac
