#!/usr/bin/env bash
# The performance benchmark of quality.md (P1–P5, P7; see docs/benchmarks.md).
#
# usage: ops/bench.sh [--quick] [--json PATH] [--keep-db] [benchmark options, e.g. --assets 20000]
#        ops/bench.sh --roundtrip N   the certificate round trip NL→DE→NL between two service processes
#        ops/bench.sh --import N      P6: import a generated register of N assets (100000 for the bar) against raw COPY
#        ops/bench.sh --rebuild N     P4 alone: rebuild an imported store of at least N events (1000000 for the bar) against the raw read
#        ops/bench.sh --p1-ab A=DLL[@KEY=VALUE…],B=DLL[@…] [--ab-rounds K] [--ab-valuations]
#                                     P1 of published builds side by side: each its own process and database, seeded,
#                                     then their windows in turn for K rounds (default 4), the order reversed every other
#                                     round (use --quick, --assets N, --warmup S, --duration S to size it); with
#                                     --ab-valuations the windows send valuations (same command path, any number of rounds);
#                                     @KEY=VALUE sets the service's environment (e.g. @Commands__GroupCommitWorkers=1)
#
#   --quick       smaller data and shorter windows (finishes in a few minutes); the default is the
#                 full run with the sizes of quality.md (100,000 assets, 1,000,000 events: long)
#   --json PATH   also write the results as JSON: { "P1": { "value", "baseline", "ratio", "unit",
#                 "p50_ms", "p99_ms", … }, … }
#   --keep-db     leave the benchmark's PostgreSQL running at the end (to inspect it)
#   --no-naive    skip P1 on the naive Marten + Wolverine service (src/AssetLedger.Naive)
#   --statements  load pg_stat_statements and write what PostgreSQL ran during P1 (warm-up and
#                 window), most execution time first, to .data/bench/p1-statements.tsv; it costs
#                 both sides a little, so figures of such a run are not compared with others
#
# It starts its own throwaway PostgreSQL cluster (fresh on every run, durable: synchronous_commit
# and fsync stay on) under .data/bench/pg on port 55450, builds the service and the benchmark in
# Release, and runs the benchmark, which starts the service as a separate process on port 55451
# (service log: .data/bench/service.log), seeds it through the HTTP API and measures it against raw
# Npgsql. Ports: ASSETLEDGER_BENCH_PG_PORT, ASSETLEDGER_BENCH_HTTP_PORT.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

quick=()
json=()
keep_db=0
with_naive=1
extra=()
while (($#)); do
  case "$1" in
    --quick) quick=(--quick) ;;
    --json)
      [[ $# -ge 2 ]] || { echo "bench.sh: --json needs a path" >&2; exit 2; }
      json=(--json "$(realpath -m -- "$2")"); shift ;;
    --keep-db) keep_db=1 ;;
    --no-naive) with_naive=0 ;;
    --statements) export ASSETLEDGER_PG_SETTINGS="shared_preload_libraries = 'pg_stat_statements'" ;;
    -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) extra+=("$1") ;;
  esac
  shift
done

pg_port=${ASSETLEDGER_BENCH_PG_PORT:-55450}
http_port=${ASSETLEDGER_BENCH_HTTP_PORT:-55451}
work=$root/.data/bench
pgdata=$work/pg
pidfile=$work/service.pid
mkdir -p "$work"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

# One run at a time: two runs share .data/bench (cluster, service, ports) and break each other.
runfile=$work/bench.run
if [[ -s "$runfile" ]] && kill -0 "$(cat "$runfile")" 2>/dev/null; then
  echo "bench.sh: another run (pid $(cat "$runfile")) is using $work; wait for it to finish" >&2
  exit 2
fi
echo $$ >"$runfile"

cleanup() {
  local rc=$?
  [[ "$(cat "$runfile" 2>/dev/null)" == "$$" ]] && rm -f "$runfile"
  if [[ -n "$bench_pid" ]] && kill -0 "$bench_pid" 2>/dev/null; then
    echo "bench.sh: stopping the benchmark (pid $bench_pid)" >&2
    kill "$bench_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$bench_pid" 2>/dev/null || break; sleep 0.2; done
  fi
  # The benchmark stops the service itself; this catches a benchmark that died.
  for pf in "$pidfile" "$pidfile.de" "$pidfile.naive"; do
  if [[ -s "$pf" ]]; then
    local pid
    pid=$(cat "$pf")
    if kill -0 "$pid" 2>/dev/null; then
      echo "bench.sh: stopping the service (pid $pid)" >&2
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$pf"
  fi
  done
  if ((keep_db)); then
    echo "bench.sh: PostgreSQL left running: $cs (stop: ops/postgres.sh stop $pgdata)" >&2
  else
    ops/postgres.sh stop "$pgdata" >/dev/null 2>&1 || true
  fi
  exit "$rc"
}

# A fresh cluster every run, so that runs are comparable.
ops/postgres.sh ensure-installed >/dev/null
ops/postgres.sh stop "$pgdata" >/dev/null 2>&1 || true
rm -rf -- "$pgdata"
cs=""
bench_pid=""
trap cleanup EXIT
trap 'exit 130' INT TERM
cs=$(ops/postgres.sh start "$pgdata" "$pg_port" 2>"$work/postgres-start.log") || {
  cat "$work/postgres-start.log" >&2
  exit 1
}
: >"$work/service.log"

# The service is measured as it is deployed: published in Release, ReadyToRun (precompiled, as in
# ops/Dockerfile), into a folder of its own, so building the working tree meanwhile does not touch it.
# (--service-dll PATH measures that build instead, as it is: nothing is published then.)
service_dll=$work/service/AssetLedger.Api.dll
for a in "${extra[@]}"; do [[ "$a" == --service-dll || "$a" == --p1-ab ]] && service_dll=""; done
if [[ -n "$service_dll" ]]; then
  echo "bench.sh: publishing the service (Release, ReadyToRun)" >&2
  dotnet publish src/AssetLedger.Api -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
    -o "$work/service" -nologo -v quiet >&2
fi
# The naive stack P1 is compared with (a plain Marten + Wolverine service, src/AssetLedger.Naive),
# published the same way; the P1–P7 run only (--no-naive skips it).
naive=()
if [[ " ${extra[*]} " != *" --roundtrip "* && " ${extra[*]} " != *" --import "* && " ${extra[*]} " != *" --rebuild "* && " ${extra[*]} " != *" --p1-ab "* ]] && ((with_naive)); then
  echo "bench.sh: publishing the naive Marten + Wolverine service (Release, ReadyToRun)" >&2
  dotnet publish src/AssetLedger.Naive -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
    -o "$work/naive" -nologo -v quiet >&2
  naive=(--naive-dll "$work/naive/AssetLedger.Naive.dll")
fi
echo "bench.sh: building the benchmark (Release)" >&2
dotnet build src/AssetLedger.Benchmarks -c Release -nologo -v quiet >&2

# In the background so that a signal to this script runs the cleanup at once.
rc=0
dotnet src/AssetLedger.Benchmarks/bin/Release/net10.0/AssetLedger.Benchmarks.dll \
  --connection "$cs" \
  ${service_dll:+--service-dll "$service_dll"} \
  --port "$http_port" --work-dir "$work" --pid-file "$pidfile" \
  "${quick[@]}" "${json[@]}" "${naive[@]}" "${extra[@]}" &
bench_pid=$!
wait "$bench_pid" || rc=$?
bench_pid=""
echo "bench.sh: finished in ${SECONDS} s (exit $rc)" >&2
exit "$rc"
