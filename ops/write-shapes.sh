#!/usr/bin/env bash
# What PostgreSQL spends per command for shapes of the same write, with no service in the way
# (docs/benchmarks.md, "Shapes of a group's write"), each one a group of three valuations
# (ops/write-shapes/group.sql) put together from the parts in ops/write-shapes/:
#   marten-batch           as Marten's Rich append writes it today: read-statements.sql (its pre-read,
#                          in five round trips) and writes.sql (the write batch with its COMMIT)
#   marten-batch-one-read  read-one.sql (the pre-read in one round trip, as the service makes it) and writes.sql
#   one-call               one call of a server-side function taking the rows as arrays (one-call.sql)
#   one-statement          that function's body sent as one statement (one-statement.sql)
# pgbench runs each at a fixed rate (so that the CPU per command is not a matter of how saturated the
# machine is), in turn, the order reversed every other round; the CPU of the cluster's processes is
# read around each run. Then P1's raw baseline (raw.sql: one row, one transaction, 8 clients, no rate
# limit) for reference. Nothing is asserted.
#
# Usage: ops/write-shapes.sh [--rounds K] [--rate GROUPS_PER_S] [--seconds S] [--service-dir DIR]
#   --rounds   rounds of the four shapes (default 4)
#   --rate     groups per second of each run, two clients (default 600: 1,800 commands/s, P1's rate)
#   --seconds  length of each run (default 10)
#   --service-dir  a published service, for its db-apply (default .data/bench/service, published if missing)
# It uses the benchmark's cluster (.data/bench/pg, port 55450) and a database of its own, made anew.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=4 rate=600 seconds=10 service_dir=.data/bench/service
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --service-dir) service_dir=$2; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "write-shapes.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ "$rounds$rate$seconds" =~ ^[0-9]+$ ]] || { echo "write-shapes.sh: --rounds, --rate and --seconds take whole numbers" >&2; exit 2; }
if [[ -f .data/bench/bench.run ]] && kill -0 "$(cat .data/bench/bench.run)" 2>/dev/null; then
  echo "write-shapes.sh: a benchmark is running (.data/bench/bench.run); measure one thing at a time" >&2; exit 1
fi

bindir=$(ops/postgres.sh ensure-installed | tail -1)
[[ -x "$bindir/pgbench" ]] || { echo "write-shapes.sh: no pgbench in $bindir" >&2; exit 1; }
ops/postgres.sh start .data/bench/pg 55450 >/dev/null
db=assetledger_shapes
psql=("$bindir/psql" -h 127.0.0.1 -p 55450 -U postgres -v ON_ERROR_STOP=1 -qAt)
PGOPTIONS="-c client_min_messages=warning" "${psql[@]}" -d postgres -c "drop database if exists $db" -c "create database $db"
cs="Host=127.0.0.1;Port=55450;Username=postgres;Database=$db"

if [[ ! -f "$service_dir/AssetLedger.Api.dll" ]]; then
  dotnet publish src/AssetLedger.Api -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
    -o "$service_dir" -nologo -v quiet >&2
fi
(cd "$service_dir" && ConnectionStrings__AssetLedger="$cs" Auth__SigningKey=write-shapes-signing-key-0123456789abcdef0123 \
  ASPNETCORE_ENVIRONMENT=Production dotnet AssetLedger.Api.dll db-apply >/dev/null)
"${psql[@]}" -d "$db" -f ops/write-shapes/setup.sql

# CPU ticks of the benchmark cluster's processes only.
source ops/lib/pg-ticks.sh
postmaster=$(head -1 .data/bench/pg/postmaster.pid)
hz=$(getconf CLK_TCK)
dir=ops/write-shapes
# Each shape's pgbench script, put together from its parts (the group's streams, the pre-read, the writes).
scripts=$(mktemp -d)
trap 'rm -rf "$scripts"' EXIT
declare -A parts=([marten-batch]="group read-statements writes" [marten-batch-one-read]="group read-one writes"
  [one-call]="group one-call" [one-statement]="group one-statement" [raw]="raw")
for shape in "${!parts[@]}"; do
  for part in ${parts[$shape]}; do cat "$dir/$part.sql"; done >"$scripts/$shape.sql"
done
values=(-D "ev=$(cat $dir/event.json)" -D "hd=$(cat $dir/headers.json)" -D "rec=$(cat $dir/record.json)"
  -D "doc=$(cat $dir/asset.json)" -D corr=2ef403fe9dcd40c5836ef8300dfe4a8e -D caus=6067f111-6b6d-4845-96b1-66875e9034ca)

# run NAME SCRIPT CLIENTS COMMANDS_PER_TRANSACTION [pgbench options…]: prints NAME, commands/s and PostgreSQL µs per command.
run() {
  local name=$1 script=$2 clients=$3 per=$4; shift 4
  sleep 1 # the previous run's backends are reaped, their CPU counted
  local before out after tx
  before=$(pg_ticks "$postmaster")
  out=$("$bindir/pgbench" -h 127.0.0.1 -p 55450 -U postgres -n -M prepared -c "$clients" -j 2 -T "$seconds" "$@" \
    -f "$scripts/$script" "${values[@]}" "$db" 2>&1) || { echo "$out" >&2; echo "write-shapes.sh: $name failed" >&2; exit 1; }
  sleep 1
  after=$(pg_ticks "$postmaster")
  grep -q 'aborted' <<<"$out" && { echo "$out" >&2; echo "write-shapes.sh: $name aborted" >&2; exit 1; }
  tx=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' <<<"$out")
  awk -v n="$name" -v tx="$tx" -v per="$per" -v s="$seconds" -v t=$((after - before)) -v hz="$hz" \
    -v lat="$(sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' <<<"$out")" \
    'BEGIN { printf "%s\t%.0f\t%.1f\t%s\n", n, tx * per / s, 1e6 * t / hz / (tx * per), lat }'
}

echo -e "run\tcommands/s\tPostgreSQL µs per command\tlatency ms (per transaction)"
results=()
for ((r = 1; r <= rounds; r++)); do
  order=(marten-batch marten-batch-one-read one-call one-statement)
  ((r % 2 == 0)) && order=(one-statement one-call marten-batch-one-read marten-batch)
  for shape in "${order[@]}"; do
    line=$(run "$shape" "$shape.sql" 2 3 -R "$rate")
    echo -e "$line"
    results+=("$line")
  done
done
run raw raw.sql 8 1
printf '%s\n' "${results[@]}" | awk -F'\t' '{ sum[$1] += $3; n[$1]++ }
  END { for (k in sum) printf "mean of %d rounds, %s: %.1f µs of PostgreSQL CPU per command\n", n[k], k, sum[k] / n[k] }' | sort
