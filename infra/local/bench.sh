#!/usr/bin/env bash
# The end-to-end latency benchmark: a private Azurite on ports 10100-10102, the local host, N in-process
# biobanks that answer in 500 ms; prints min/median/p90/max from POST to a GET (polled every 50 ms)
# that shows the request Completed.
# Usage: bash infra/local/bench.sh [biobanks=20] [runs=15] [warm-up runs=20]
set -euo pipefail

# shellcheck source=infra/local/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
ROOT="$(sb_root)"
cd "$ROOT"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

TMP="$(mktemp -d "${TMPDIR:-/tmp}/samplebroker-bench.XXXXXX")"
cleanup() {
  local rc=$?
  set +e
  sb_stop_azurite
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT

sb_ensure_azurite
dotnet build tests/SampleBroker.Benchmarks -c Release -nologo -v q
export SB_AZURITE_SETTLE_SECONDS=0
sb_start_azurite "$TMP/azurite" 10100 10101 10102 "$TMP/azurite.log"
SAMPLEBROKER_TEST_STORAGE="$(sb_conn_string 10100 10101 10102)"
export SAMPLEBROKER_TEST_STORAGE
dotnet tests/SampleBroker.Benchmarks/bin/Release/net10.0/SampleBroker.Benchmarks.dll "${1:-20}" "${2:-15}" "${3:-20}"
