#!/usr/bin/env bash
# shellcheck disable=SC2317,SC2016  # trap handlers run indirectly; node -e programs are single-quoted
# Builds SampleBroker.sln, publishes the Functions app, and runs every test against a private Azurite on ports 10100-10102 (so it never
# collides with a running run.sh; SB_TEST_PORT_BASE moves them), in a fresh temporary folder that is removed afterwards.
# Usage: bash infra/local/test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Webhook]
# Prints a last line "N passed, N failed, N skipped" computed from the TRX results.
set -euo pipefail

# shellcheck source=infra/local/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
ROOT="$(sb_root)"
cd "$ROOT"

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

if ! command -v dotnet >/dev/null 2>&1; then
  sb_err "dotnet not found: install the .NET 10 SDK and make sure 'dotnet' is on PATH"
  exit 1
fi
if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
  sb_err "node/npm not found: install Node.js 20 with npm (Debian: apt-get install nodejs npm)"
  exit 1
fi

# The browser test (tests/SampleBroker.BrowserTests) drives Debian's Chromium, never a browser Playwright
# downloads: install the package when it is missing and apt can, else say what to do.
CHROMIUM="${SAMPLEBROKER_CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "$CHROMIUM" ]]; then
  SUDO=""
  [[ "$(id -u)" -eq 0 ]] || SUDO="sudo -n"
  if command -v apt-get >/dev/null 2>&1 && { [[ -z "$SUDO" ]] || sudo -n true 2>/dev/null; }; then
    sb_log "installing Chromium for the browser test (apt-get install -y chromium, about two minutes) ..."
    if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium; } >&2; then
      sb_err "apt-get install chromium failed; install Debian's chromium package, or set SAMPLEBROKER_CHROMIUM to a Chromium binary"
      exit 1
    fi
  else
    sb_err "Chromium not found at $CHROMIUM and apt-get cannot install it here: run 'apt-get install -y chromium' as root, or set SAMPLEBROKER_CHROMIUM to a Chromium binary"
    exit 1
  fi
fi
export SAMPLEBROKER_CHROMIUM="$CHROMIUM"

# SB_TEST_PORT_BASE moves the three ports (blob, queue, table) so two checkouts can test at once.
BLOB_PORT="${SB_TEST_PORT_BASE:-10100}"
QUEUE_PORT=$((BLOB_PORT + 1))
TABLE_PORT=$((BLOB_PORT + 2))

TMP="$(mktemp -d "${TMPDIR:-/tmp}/samplebroker-test.XXXXXX")"
cleanup() {
  local rc=$?
  set +e
  trap '' INT TERM HUP
  sb_stop_azurite
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

sb_ensure_azurite

# The data is thrown away: no need to give Azurite time to save it before stopping it.
export SB_AZURITE_SETTLE_SECONDS="${SB_AZURITE_SETTLE_SECONDS:-0}"
# Same process group as this script, so whoever stops the script's group stops Azurite too.
export SB_AZURITE_SETSID=0
sb_start_azurite "$TMP/azurite" "$BLOB_PORT" "$QUEUE_PORT" "$TABLE_PORT" "$TMP/azurite.log"

SAMPLEBROKER_TEST_STORAGE="$(sb_conn_string "$BLOB_PORT" "$QUEUE_PORT" "$TABLE_PORT")"
export SAMPLEBROKER_TEST_STORAGE

# Build once; then publish the Functions app from that build (what `azd deploy` ships: a test reads its
# functions.metadata, host.json and deps) and run the tests without building again.
dotnet build SampleBroker.sln -c Release --nologo
SAMPLEBROKER_FUNCTIONS_PUBLISH="$TMP/functions-publish"
dotnet publish src/SampleBroker.Functions -c Release --no-build --nologo -o "$SAMPLEBROKER_FUNCTIONS_PUBLISH"
export SAMPLEBROKER_FUNCTIONS_PUBLISH

set +e
dotnet test SampleBroker.sln -c Release --no-build \
  --logger "console;verbosity=normal" \
  --logger trx --results-directory "$TMP/results" \
  "$@"
rc=$?
set -e

if [[ $rc -ne 0 ]]; then
  sb_log "dotnet test exited with code $rc; last lines of the Azurite log:"
  tail -n 15 "$TMP/azurite.log" >&2 || true
fi

# Totals over every project's TRX file (<Counters total= executed= passed= failed= error= ...>).
summary="$(SB_RESULTS="$TMP/results" node -e '
  const fs = require("fs"), path = require("path");
  const files = [];
  (function walk(d) {
    let entries = [];
    try { entries = fs.readdirSync(d, { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p); else if (e.name.endsWith(".trx")) files.push(p);
    }
  })(process.env.SB_RESULTS);
  const t = { passed: 0, failed: 0, skipped: 0 };
  for (const f of files) {
    const m = /<Counters\b([^>]*)\/?>/.exec(fs.readFileSync(f, "utf8"));
    if (!m) continue;
    const a = {};
    for (const [, k, v] of m[1].matchAll(/(\w+)="(\d+)"/g)) a[k] = Number(v);
    const n = k => a[k] || 0;
    t.passed += n("passed");
    t.failed += n("failed") + n("error") + n("timeout") + n("aborted");
    // xUnit skips show as total - executed (the notExecuted counter stays 0).
    t.skipped += Math.max(0, n("total") - n("executed"), n("notExecuted"));
  }
  process.stderr.write(`[samplebroker] ${files.length} TRX file(s)\n`);
  process.stdout.write(`${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`);
')" || summary=""

if [[ -z "$summary" ]]; then
  sb_err "could not read the TRX results"
  summary="0 passed, 0 failed"
fi
# Stop Azurite and clean up before the totals, so that they are the last line printed.
sb_stop_azurite
rm -rf "$TMP"
echo "$summary"
exit "$rc"
