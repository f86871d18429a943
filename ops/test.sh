#!/usr/bin/env bash
# Runs every test: unit tests of the core, and integration tests through HTTP against a real
# PostgreSQL (a throwaway local cluster the tests start themselves; this script only makes sure the
# server binaries are installed).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
ops/postgres.sh ensure-installed >/dev/null
dotnet test AssetLedger.sln -c Release "$@"
