#!/usr/bin/env bash
# Regenerates Wolverine's handler code (src/AssetLedger.Api/Internal/Generated), which is committed
# and compiled into the service so that no handler is compiled at run time. Run it after adding or
# changing a message handler, and commit the result; a test fails while the files are stale.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
dotnet build src/AssetLedger.Api -c Release -v quiet -nologo >/dev/null
rm -rf src/AssetLedger.Api/Internal/Generated
# Code generation never connects to the database: any well-formed connection string will do.
(cd src/AssetLedger.Api &&
  ConnectionStrings__AssetLedger="Host=127.0.0.1;Port=1;Database=codegen;Username=codegen" \
  Auth__SigningKey="codegen-signing-key-0123456789abcdef0123" \
  dotnet bin/Release/net10.0/AssetLedger.Api.dll codegen write)
dotnet build src/AssetLedger.Api -c Release -v quiet -nologo >/dev/null
echo "codegen.sh: regenerated src/AssetLedger.Api/Internal/Generated; commit it"
