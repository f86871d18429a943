#!/usr/bin/env bash
# Runs two ledgers side by side on this machine, as two States would: NL at http://127.0.0.1:5080
# and DE at http://127.0.0.1:5081, each with its own PostgreSQL cluster (.data/pg on 55432 and
# .data/pg-de on 55433), each configured as the other's peer with one shared key. Seeds, once, a
# confiscation certificate that NL issued and transmitted to DE, so that the exchange can be walked
# in the browser: sign in on NL as the demo prosecutor, then on DE (another browser profile or a
# private window: the sign-in cookie is per host and port) as DE's demo prosecutor.
# Ctrl-C stops both services (the clusters keep running: ops/postgres.sh stop .data/pg).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
data=$root/.data
mkdir -p "$data"
nl_url=${ASSETLEDGER_NL_URL:-http://127.0.0.1:5080}
de_url=${ASSETLEDGER_DE_URL:-http://127.0.0.1:5081}

ops/postgres.sh ensure-installed >/dev/null
cs_nl=$(ops/postgres.sh start "$data/pg" "${ASSETLEDGER_PG_PORT:-55432}")
cs_de=$(ops/postgres.sh start "$data/pg-de" "${ASSETLEDGER_PG_DE_PORT:-55433}")

key_file() { # path: a random secret made once per checkout, kept out of git
  if [ ! -s "$1" ]; then head -c 48 /dev/urandom | base64 | tr -d '\n/+=' > "$1"; chmod 600 "$1"; fi
  cat "$1"
}
signing_key=$(key_file "$data/signing-key")
peer_key=$(key_file "$data/peer-key-nl-de")

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
dll=src/AssetLedger.Api/bin/Release/net10.0/AssetLedger.Api.dll
echo "Building the service (Release)..." >&2
dotnet build src/AssetLedger.Api -c Release -nologo -v quiet >&2 | grep -v ": warning " >&2 || true

pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null' INT TERM EXIT

start() { # state url connection-string peer-state peer-url
  if curl -fsS -o /dev/null "$2/health/live" 2>/dev/null; then
    echo "$1 already answers at $2; not starting a second one." >&2
    return
  fi
  env ConnectionStrings__AssetLedger="$3" Auth__SigningKey="$signing_key" ASPNETCORE_ENVIRONMENT=Development ASPNETCORE_URLS="$2" \
    Cooperation__State="$1" "Cooperation__Peers__${4}__BaseUrl=$5" "Cooperation__Peers__${4}__Key=$peer_key" \
    dotnet "$dll" &
  pids+=("$!")
}
start NL "$nl_url" "$cs_nl" DE "$de_url"
start DE "$de_url" "$cs_de" NL "$nl_url"

for url in "$nl_url" "$de_url"; do
  for _ in $(seq 1 120); do
    curl -fsS -o /dev/null "$url/health/ready" 2>/dev/null && break
    sleep 0.5
  done
  curl -fsS -o /dev/null "$url/health/ready" || { echo "The ledger at $url did not become ready." >&2; exit 1; }
done

token() { Auth__SigningKey="$signing_key" dotnet "$dll" token "$@"; }
nl_prosecutor=$(token --sub demo-prosecutor --name 'Demo Prosecutor' --role prosecutor --jurisdiction NL --agency FIOD)

# The demo certificate: issued and transmitted once (the certificate id is the idempotency key).
existing=$(curl -fsS -H "Authorization: Bearer $nl_prosecutor" "$nl_url/api/certificates" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')
if [ "${existing:-0}" = "0" ]; then
  id=$(cat /proc/sys/kernel/random/uuid)
  curl -fsS -o /dev/null -H "Authorization: Bearer $nl_prosecutor" -H 'Content-Type: application/json' "$nl_url/api/certificates" -d "{
    \"certificateId\":\"$id\",\"kind\":\"confiscation\",\"executingState\":\"DE\",\"issuingAuthority\":\"Openbaar Ministerie Rotterdam\",
    \"orderReference\":\"RTM-2026-0042\",\"issuedOn\":\"2026-02-01\",\"finalOn\":\"2026-02-20\",
    \"amountForExecutingState\":{\"amount\":\"10000.01\",\"currency\":\"EUR\"},\"offence\":\"trafficking_in_human_beings\",
    \"items\":[{\"description\":\"Account at a bank in Frankfurt\",\"identifiers\":{\"iban\":\"DE89370400440532013000\"},\"location\":\"Frankfurt am Main\"}],
    \"issuerBank\":{\"iban\":\"NL91ABNA0417164300\",\"bic\":\"ABNANL2A\",\"accountHolder\":\"Ministerie van Justitie en Veiligheid\"}}"
  curl -fsS -o /dev/null -H "Authorization: Bearer $nl_prosecutor" -H 'Content-Type: application/json' \
    "$nl_url/api/certificates/$id/transmit" -d "{\"commandId\":\"$(cat /proc/sys/kernel/random/uuid)\"}"
  echo "Seeded certificate $id: issued by NL, transmitted to DE." >&2
else
  echo "NL's ledger already has certificates; no demo seed." >&2
fi

cat >&2 <<MSG

Two ledgers are running:  NL $nl_url   DE $de_url
Sign in on $nl_url/ as the demo prosecutor (NL) and on $de_url/ as the demo prosecutor (DE), in two
browser profiles; open Certificates on each. DE recognises and executes; NL sees each step arrive.
Press Ctrl-C to stop both.
MSG
wait
