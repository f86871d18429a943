# Sourced by ops/rebuild-rounds.sh and ops/write-shapes.sh (not a command of its own).
#
# pg_ticks [POSTMASTER_PID]: CPU ticks (user and system) of PostgreSQL's processes, with the children
# they reaped (backends that ended count in their postmaster's). With a postmaster's pid, that
# cluster only (the postmaster and its children); without, every process named postgres.
pg_ticks() {
  local sum=0 stat rest pids
  if [[ -n "${1:-}" ]]; then pids="$1 $(pgrep -P "$1" || true)"; else pids=$(pgrep -x postgres || true); fi
  for pid in $pids; do
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
    rest=${stat##*) }
    read -r -a f <<<"$rest"
    sum=$((sum + f[11] + f[12] + f[13] + f[14]))
  done
  echo "$sum"
}
