#!/usr/bin/env bash
# Seeds one demo case through the public API when the jurisdiction has no case yet.
# usage: ops/seed-demo.sh <base-url> <investigator-token> <prosecutor-token> <treasury-token>
set -euo pipefail
url=$1 inv=$2 pros=$3 tre=$4

total=$(curl -fsS -H "Authorization: Bearer $inv" "$url/api/cases?pageSize=1" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')
if [ "${total:-0}" != "0" ]; then
  echo "The store already has cases; no demo seed." >&2
  exit 0
fi

uuid() { cat /proc/sys/kernel/random/uuid; }
post() { # token path json
  curl -fsS -o /dev/null -H "Authorization: Bearer $1" -H 'Content-Type: application/json' -d "$3" "$url$2"
}
case_id=$(uuid) account=$(uuid) car=$(uuid) cash=$(uuid) order=$(uuid)

post "$inv" /api/cases "{\"caseId\":\"$case_id\",\"reference\":\"NL-2026-0042\",\"title\":\"Operation Lantern (demo)\",\"offences\":[\"trafficking_in_human_beings\",\"money_laundering\"],\"participatingAgencies\":[\"KMAR\"]}"
post "$inv" "/api/cases/$case_id/assets" "{\"assetId\":\"$account\",\"kind\":\"bank_account\",\"description\":\"Current account\",\"identifiers\":{\"iban\":\"NL91ABNA0417164300\"},\"location\":\"NL\",\"holder\":\"Shell company B.V.\"}"
post "$inv" "/api/cases/$case_id/assets" "{\"assetId\":\"$car\",\"kind\":\"vehicle\",\"description\":\"Black SUV\",\"identifiers\":{\"vin\":\"1M8GDM9AXKP042788\"},\"location\":\"NL\"}"
post "$inv" "/api/cases/$case_id/assets" "{\"assetId\":\"$cash\",\"kind\":\"cash\",\"description\":\"Cash found at the premises\",\"location\":\"NL\"}"
post "$inv" "/api/assets/$account/freeze" "{\"commandId\":\"$(uuid)\",\"orderReference\":\"RC-AMS-2026-117\",\"frozenAt\":\"2026-03-02T09:30:00Z\",\"amount\":{\"amount\":\"84250.00\",\"currency\":\"EUR\"}}"
post "$inv" "/api/assets/$account/valuations" "{\"commandId\":\"$(uuid)\",\"value\":{\"amount\":\"84250.00\",\"currency\":\"EUR\"},\"method\":\"face_value\",\"valuer\":\"ABN AMRO statement\",\"valuedOn\":\"2026-03-02\"}"
post "$inv" "/api/assets/$car/seize" "{\"commandId\":\"$(uuid)\",\"custodian\":\"Domeinen Roerende Zaken\",\"location\":\"Depot Utrecht\",\"seizedAt\":\"2026-03-03T07:15:00Z\",\"sealNumber\":\"S-55120\"}"
post "$inv" "/api/assets/$car/valuations" "{\"commandId\":\"$(uuid)\",\"value\":{\"amount\":\"41000.00\",\"currency\":\"EUR\"},\"method\":\"appraisal\",\"valuer\":\"Domeinen\",\"valuedOn\":\"2026-03-10\"}"
post "$inv" "/api/assets/$cash/seize" "{\"commandId\":\"$(uuid)\",\"custodian\":\"Police evidence room\",\"location\":\"Amsterdam\",\"seizedAt\":\"2026-03-03T07:40:00Z\"}"
post "$pros" "/api/assets/$cash/orders" "{\"commandId\":\"$(uuid)\",\"orderId\":\"$order\",\"type\":\"confiscation\",\"court\":\"Rechtbank Amsterdam\",\"reference\":\"CO-2026-88\",\"issuedOn\":\"2026-06-15\",\"maxAmount\":{\"amount\":\"150000.00\",\"currency\":\"EUR\"}}"
post "$pros" "/api/assets/$cash/finality" "{\"commandId\":\"$(uuid)\",\"orderId\":\"$order\",\"finalOn\":\"2026-08-01\"}"
post "$tre" "/api/assets/$cash/realisation" "{\"commandId\":\"$(uuid)\",\"gross\":{\"amount\":\"23500.00\",\"currency\":\"EUR\"},\"costs\":{\"amount\":\"0.00\",\"currency\":\"EUR\"},\"method\":\"cash\",\"realisedOn\":\"2026-08-05\"}"
echo "Seeded demo case NL-2026-0042 ($case_id) with three assets." >&2
