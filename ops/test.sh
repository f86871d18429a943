#!/usr/bin/env bash
# Runs every test: unit tests of the core, integration tests through HTTP against a real
# PostgreSQL (a throwaway local cluster the tests start themselves; this script only makes sure the
# server binaries are installed), and browser tests of the web interface in Debian's Chromium
# (installed by ops/chromium.sh when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
ops/postgres.sh ensure-installed >/dev/null
ops/chromium.sh
dotnet test AssetLedger.sln -c Release "$@"
