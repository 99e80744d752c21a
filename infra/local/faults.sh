#!/usr/bin/env bash
# shellcheck disable=SC2317  # trap handlers run indirectly
# The fault suite (docs/reliability.md): 200 requests over 20 misbehaving biobanks while the local host is
# kill -9'ed 10 times, Azurite is restarted once and a second host runs beside the first for half the run.
# Prints a table and ends non-zero if a request was lost, duplicated or stuck. Takes several minutes.
# Usage: bash infra/local/faults.sh            the full suite; writes its table into docs/reliability.md
#        bash infra/local/faults.sh --short    20 requests, 2 kills, no Azurite restart (CI, ~2-3 minutes)
# Its own Azurite runs on ports SB_FAULTS_PORT_BASE..+2 (default 10600-10602) in a temporary folder.
# SB_FAULTS_KEEP_LOGS=1 keeps the folder (host and Azurite logs) also when the run passes.
set -euo pipefail

# shellcheck source=infra/local/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
ROOT="$(sb_root)"
cd "$ROOT"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

MODE=full
for arg in "$@"; do
  case "$arg" in
    --short) MODE=short ;;
    *) sb_err "unknown argument: $arg (usage: bash infra/local/faults.sh [--short])"; exit 2 ;;
  esac
done

BLOB_PORT="${SB_FAULTS_PORT_BASE:-10600}"
QUEUE_PORT=$((BLOB_PORT + 1))
TABLE_PORT=$((BLOB_PORT + 2))

TMP="$(mktemp -d "${TMPDIR:-/tmp}/samplebroker-faults.XXXXXX")"
SUITE_PID=""
cleanup() {
  local rc=$?
  set +e
  trap '' INT TERM HUP
  if [[ -n "$SUITE_PID" ]] && sb_pid_alive "$SUITE_PID"; then
    sb_stop_pid "$SUITE_PID" "fault suite" 20
  fi
  SB_AZURITE_SETTLE_SECONDS=0 sb_stop_azurite
  if [[ $rc -ne 0 || "${SB_FAULTS_KEEP_LOGS:-0}" == 1 ]]; then
    sb_log "logs kept in $TMP (host-a.log, host-b.log, azurite.log)"
  else
    rm -rf "$TMP"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

sb_ensure_azurite
dotnet build tests/SampleBroker.FaultSuite -c Release -nologo -v q

sb_start_azurite "$TMP/azurite" "$BLOB_PORT" "$QUEUE_PORT" "$TABLE_PORT" "$TMP/azurite.log"
SAMPLEBROKER_TEST_STORAGE="$(sb_conn_string "$BLOB_PORT" "$QUEUE_PORT" "$TABLE_PORT")"
export SAMPLEBROKER_TEST_STORAGE
export SB_FAULTS_CONTROL="$TMP/control" SB_FAULTS_LOGS="$TMP"
mkdir -p "$SB_FAULTS_CONTROL"

args=()
if [[ "$MODE" == short ]]; then args+=(--short); else args+=(--write-doc "$ROOT/docs/reliability.md"); fi
dotnet tests/SampleBroker.FaultSuite/bin/Release/net10.0/SampleBroker.FaultSuite.dll "${args[@]}" &
SUITE_PID=$!

# The suite asks for an Azurite restart by creating control/restart-azurite; Azurite is stopped the way
# run.sh stops it (time to save, then TERM) and started again on the same data folder and ports.
while sb_pid_alive "$SUITE_PID"; do
  if [[ -f "$SB_FAULTS_CONTROL/restart-azurite" ]]; then
    rm -f "$SB_FAULTS_CONTROL/restart-azurite"
    down_from=$(date +%s.%N)
    sb_stop_azurite
    sb_start_azurite "$TMP/azurite" "$BLOB_PORT" "$QUEUE_PORT" "$TABLE_PORT" "$TMP/azurite.log"
    awk -v s="$down_from" -v e="$(date +%s.%N)" 'BEGIN{printf "%.1f\n", e-s}' >"$SB_FAULTS_CONTROL/azurite-restarted.tmp"
    mv "$SB_FAULTS_CONTROL/azurite-restarted.tmp" "$SB_FAULTS_CONTROL/azurite-restarted"
  fi
  sleep 0.3
done

set +e
wait "$SUITE_PID"
rc=$?
set -e
SUITE_PID=""
exit "$rc"
