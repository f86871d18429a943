#!/usr/bin/env bash
# Rebuilds in turn with several builds of the service (and runtime settings), on one store, and prints
# for each run the rebuild time it reports, its read and tail, the command's CPU and peak RSS, the CPU
# PostgreSQL spent meanwhile, and what the command says about memory. For side-by-side comparisons of
# rebuilder changes on a noisy machine (docs/benchmarks.md); nothing is asserted.
#
# Usage: ops/rebuild-rounds.sh [--cs CONNECTION_STRING] BUILD_DIR[@VAR=value,VAR=value] ...
#   BUILD_DIR   a folder with AssetLedger.Api.dll (dotnet publish … -o BUILD_DIR)
#   --cs        the store (default: the one `ops/bench.sh --rebuild N --keep-db` leaves on port 55450)
# Example: ops/rebuild-rounds.sh /tmp/old /tmp/new /tmp/old /tmp/new "/tmp/new@DOTNET_gcServer=0"
set -euo pipefail
cs="Host=127.0.0.1;Port=55450;Username=postgres;Database=assetledger_rebuild"
if [[ "${1:-}" == "--cs" ]]; then cs=$2; shift 2; fi
if [[ $# -eq 0 || "$1" == "-h" || "$1" == "--help" ]]; then sed -n '2,11p' "$0"; exit 2; fi
command -v pgrep >/dev/null || { echo "needs pgrep (procps)" >&2; exit 1; }

# CPU ticks of every postgres process (the store may be any cluster).
source "$(dirname "$0")/lib/pg-ticks.sh"
hz=$(getconf CLK_TCK)

for spec in "$@"; do
  dir=${spec%%@*}
  envs=()
  [[ "$spec" == *@* ]] && IFS=',' read -r -a envs <<<"${spec#*@}"
  [[ -f "$dir/AssetLedger.Api.dll" ]] || { echo "$dir: no AssetLedger.Api.dll" >&2; exit 1; }
  before=$(pg_ticks)
  out=$(cd "$dir" && env "${envs[@]}" ConnectionStrings__AssetLedger="$cs" Auth__SigningKey=rebuild-rounds-signing-key-0123456789abcdef0123 \
    ASPNETCORE_ENVIRONMENT=Production /usr/bin/time -f "time: %U %S %M" dotnet AssetLedger.Api.dll rebuild 2>&1) || { echo "$spec: the rebuild failed" >&2; echo "$out" >&2; exit 1; }
  after=$(pg_ticks)
  ms=$(grep -o 'in [0-9]* ms' <<<"$out" | tail -1)
  phases=$(grep 'reading and folding' <<<"$out" | sed 's/reading and folding the events/read/; s/writing the documents/after the read/')
  read -r _ user sys rss <<<"$(grep '^time:' <<<"$out" | tail -1)"
  memory=$(grep '^memory' <<<"$out" | sed 's/^memory: //')
  printf '%s: rebuilt %s | %s | command CPU %ss user %ss system, peak RSS %s MB | PostgreSQL CPU %s s | %s\n' \
    "$spec" "$ms" "$phases" "$user" "$sys" "$((rss / 1024))" "$(awk "BEGIN { printf \"%.2f\", ($after - $before) / $hz }")" "$memory"
done
