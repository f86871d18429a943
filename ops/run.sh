#!/usr/bin/env bash
# Runs AssetLedger at http://127.0.0.1:5080 with a local PostgreSQL that this script starts itself
# (installing the server package when missing; as root the cluster runs as the postgres user).
# Data lives under .data/ (git-ignored). Idempotent: a second run reuses the cluster, and when the
# service already answers on the port it only (re)checks the demo seed and prints the token help.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

url=${ASSETLEDGER_URL:-http://127.0.0.1:5080}
pg_port=${ASSETLEDGER_PG_PORT:-55432}
data=$root/.data
mkdir -p "$data"

ops/postgres.sh ensure-installed >/dev/null
cs=$(ops/postgres.sh start "$data/pg" "$pg_port")

# A development signing key, made once per checkout and kept out of git.
if [ ! -s "$data/signing-key" ]; then
  head -c 48 /dev/urandom | base64 | tr -d '\n/+=' > "$data/signing-key"
  chmod 600 "$data/signing-key"
fi

export ConnectionStrings__AssetLedger="$cs"
export Auth__SigningKey="$(cat "$data/signing-key")"
export ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development}
export ASPNETCORE_URLS="$url"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

dll=src/AssetLedger.Api/bin/Release/net10.0/AssetLedger.Api.dll
token() { dotnet "$dll" token "$@"; }

pid=""
if curl -fsS -o /dev/null "$url/health/live" 2>/dev/null; then
  echo "AssetLedger already answers at $url; not starting a second one." >&2
else
  echo "Building the service (Release)..." >&2
  dotnet build src/AssetLedger.Api -c Release -nologo -v quiet >&2
  dotnet "$dll" &
  pid=$!
  trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null' INT TERM EXIT
  for _ in $(seq 1 120); do
    curl -fsS -o /dev/null "$url/health/ready" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || { echo "The service exited during start-up; see the log above." >&2; exit 1; }
    sleep 0.5
  done
  curl -fsS -o /dev/null "$url/health/ready" || { echo "The service did not become ready." >&2; exit 1; }
fi

ops/seed-demo.sh "$url" \
  "$(token --sub demo-investigator --name 'Demo Investigator' --role investigator --jurisdiction NL --agency FIOD)" \
  "$(token --sub demo-prosecutor --name 'Demo Prosecutor' --role prosecutor --jurisdiction NL --agency FIOD)" \
  "$(token --sub demo-treasury --name 'Demo Treasury' --role treasury --jurisdiction NL --agency FIOD)"

cat >&2 <<MSG

AssetLedger is running at $url  (readiness: $url/health/ready, API: $url/openapi/v1.json)
Open $url/ in a browser and sign in as a demo user (investigator, prosecutor, treasury, auditor, admin).
Get a development token (signed with the key in .data/signing-key):
  Auth__SigningKey="\$(cat .data/signing-key)" dotnet $dll token --sub u-1 --name "Ann" --role investigator --jurisdiction NL --agency FIOD
then call the API with: curl -H "Authorization: Bearer <token>" $url/api/cases
MSG

if [ -n "$pid" ]; then
  echo "Press Ctrl-C to stop the service (PostgreSQL keeps running: ops/postgres.sh stop .data/pg)." >&2
  wait "$pid"
fi
