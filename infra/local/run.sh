#!/usr/bin/env bash
# shellcheck disable=SC2317,SC2016  # trap handlers run indirectly; node -e programs are single-quoted
# Runs SampleBroker locally: Azurite (data in .azurite/, kept across runs), the reference biobank
# adapter on http://127.0.0.1:7180 and the local host on http://localhost:7071.
# Usage: bash infra/local/run.sh        (Ctrl-C stops everything)
set -euo pipefail

# shellcheck source=infra/local/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
ROOT="$(sb_root)"
cd "$ROOT"

HOST_URL="http://localhost:7071"
ADAPTER_PORT=7180
HOST_DLL="src/SampleBroker.LocalHost/bin/Release/net10.0/SampleBroker.LocalHost.dll"
ADAPTER_DLL="src/SampleBroker.ReferenceBiobank/bin/Release/net10.0/SampleBroker.ReferenceBiobank.dll"
DEMO_DATA="infra/local/demo/demo-data.json"

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

if ! command -v dotnet >/dev/null 2>&1; then
  sb_err "dotnet not found: install the .NET 10 SDK (https://dot.net) and make sure 'dotnet' is on PATH"
  exit 1
fi
if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
  sb_err "node/npm not found: install Node.js 20 with npm (Debian: apt-get install nodejs npm); Azurite runs on it"
  exit 1
fi

HOST_PID=""
ADAPTER_PID=""
HOST_RC=""
CLEANED=0

cleanup() {
  ((CLEANED)) && return 0
  CLEANED=1
  set +e
  # A second Ctrl-C must not leave orphans behind, nor may a closed terminal or pipe (| tee)
  # kill this script halfway through stopping things.
  trap '' INT TERM HUP PIPE
  if [[ -n "$HOST_PID" ]]; then
    sb_stop_pid "$HOST_PID" "local host" 15
    [[ -n "$HOST_RC" ]] || HOST_RC="$SB_STOPPED_RC"
  fi
  [[ -n "$ADAPTER_PID" ]] && sb_stop_pid "$ADAPTER_PID" "reference biobank adapter" 10
  if [[ -n "$SB_AZURITE_PID" ]]; then
    sb_stop_azurite
    sb_log "stopped."
  fi
}

on_signal() {
  local sig="$1" code="$2"
  echo >&2
  sb_log "received SIG$sig, shutting down ..."
  cleanup
  exit "${HOST_RC:-$code}"
}

on_exit() {
  local rc=$?
  cleanup
  exit "$rc"
}

trap 'on_signal INT 130' INT
trap 'on_signal TERM 143' TERM
trap 'on_signal HUP 129' HUP
trap on_exit EXIT

# Azurite's install (first run only) and the build run side by side: on a fresh clone each takes
# most of a minute, and the host has to answer within two.
mkdir -p .run
sb_log "installing Azurite if needed (log: .run/npm.log) and building the local host and the reference adapter (Release) ..."
sb_ensure_azurite >.run/npm.log 2>&1 &
NPM_PID=$!
if ! dotnet build src/SampleBroker.LocalHost -c Release -nologo -v q || ! dotnet build src/SampleBroker.ReferenceBiobank -c Release -nologo -v q; then
  wait "$NPM_PID" || true
  sb_err "dotnet build failed (see the errors above); nothing was started"
  exit 1
fi
if ! wait "$NPM_PID"; then
  sb_err "installing Azurite failed; last lines of .run/npm.log:"
  tail -n 30 .run/npm.log >&2
  exit 1
fi
for f in "$HOST_DLL" "$ADAPTER_DLL"; do
  if [[ ! -f "$f" ]]; then
    sb_err "the build did not produce $f"
    exit 1
  fi
done

# Refuse to start next to an earlier instance: the health check would answer for the wrong process.
for port in 7071 "$ADAPTER_PORT"; do
  if sb_port_open "$port"; then
    sb_err "port $port is already in use (an earlier run.sh still running?); stop that process first"
    exit 1
  fi
done

mkdir -p .azurite .run
sb_start_azurite "$ROOT/.azurite" 10000 10001 10002 "$ROOT/.azurite/azurite.log"

if [[ -n "${AzureWebJobsStorage:-}" ]]; then
  sb_log "AzureWebJobsStorage comes from the environment (not the Azurite started here unless it points to it)"
else
  sb_log "AzureWebJobsStorage not set: the host uses UseDevelopmentStorage=true (this Azurite)"
fi

sb_log "starting the reference biobank adapter on http://127.0.0.1:$ADAPTER_PORT (log: .run/adapter.log) ..."
printf '=== %s run.sh\n' "$(date -u +%FT%TZ)" >>.run/adapter.log
# Own session: a Ctrl-C in the terminal reaches only this script and the host; the script then
# stops the host first, the adapter next and Azurite last.
if command -v setsid >/dev/null 2>&1; then
  setsid dotnet "$ADAPTER_DLL" --urls "http://127.0.0.1:$ADAPTER_PORT" --Adapter:BiobanksFile "$DEMO_DATA" \
    </dev/null >>.run/adapter.log 2>&1 &
else
  dotnet "$ADAPTER_DLL" --urls "http://127.0.0.1:$ADAPTER_PORT" --Adapter:BiobanksFile "$DEMO_DATA" \
    </dev/null >>.run/adapter.log 2>&1 &
fi
ADAPTER_PID=$!

sb_log "starting the local host on $HOST_URL ..."
dotnet "$HOST_DLL" &
HOST_PID=$!

if ! sb_wait_http "$HOST_URL/api/health" 120 "$HOST_PID"; then
  sb_err "the local host did not become healthy (its output is above; Azurite log: .azurite/azurite.log)"
  if ! sb_pid_alive "$HOST_PID"; then
    wait "$HOST_PID" 2>/dev/null && HOST_RC=0 || HOST_RC=$?
  fi
  cleanup
  if [[ -n "$HOST_RC" && "$HOST_RC" != 0 ]]; then exit "$HOST_RC"; fi
  exit 1
fi

deadline=$((SECONDS + 60))
until sb_port_open "$ADAPTER_PORT"; do
  if ! sb_pid_alive "$ADAPTER_PID" || ((SECONDS >= deadline)); then
    sb_err "the reference biobank adapter is not listening on port $ADAPTER_PORT; last lines of .run/adapter.log:"
    tail -n 30 .run/adapter.log >&2
    exit 1
  fi
  sleep 0.2
done

API_KEY="$(SB_DEMO="$DEMO_DATA" node -e '
  const fs = require("fs");
  let doc;
  try { doc = JSON.parse(fs.readFileSync(process.env.SB_DEMO, "utf8")); } catch { process.exit(0); }
  // The requester key of the demo organisation: the first string property named like "apiKey".
  const seen = [];
  (function walk(v) {
    if (Array.isArray(v)) { v.forEach(walk); return; }
    if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        if (typeof x === "string" && /^api[-_]?key$/i.test(k)) seen.push(x);
      }
      Object.values(v).forEach(walk);
    }
  })(doc);
  if (seen.length) process.stdout.write(seen[0]);
' || true)"
if [[ -z "$API_KEY" ]]; then
  sb_err "could not read the demo API key from $DEMO_DATA; replace <demo-api-key> below"
  API_KEY="<demo-api-key>"
fi

BODY='{"reference":"demo-1","criteria":{"sampleTypes":["blood-serum"],"diagnoses":["C50"],"sex":["Female"],"ageRange":{"min":40,"max":70},"storageTemperatures":["temperature-60to-85"],"useConditions":["CommercialUse"]},"quantity":150,"answerWithinSeconds":60}'

# Where the host exports traces and metrics (the same rule as Monitoring/TelemetryExtensions.cs; the host logs it too).
if [[ -n "${APPLICATIONINSIGHTS_CONNECTION_STRING:-}" ]]; then
  TRACES_TO="Application Insights (APPLICATIONINSIGHTS_CONNECTION_STRING)"
elif [[ -n "${OTEL_EXPORTER_OTLP_ENDPOINT:-}" ]]; then
  TRACES_TO="OTLP endpoint $OTEL_EXPORTER_OTLP_ENDPOINT"
else
  TRACES_TO="not exported (set OTEL_EXPORTER_OTLP_ENDPOINT, e.g. http://localhost:4317, or APPLICATIONINSIGHTS_CONNECTION_STRING)"
fi

cat <<EOF
==============================================================================
 SampleBroker is ready: $HOST_URL  (Ctrl-C stops the host, the adapter and Azurite)
   health:            $HOST_URL/api/health
   reference biobank: http://127.0.0.1:$ADAPTER_PORT (log: .run/adapter.log)
   Azurite:           127.0.0.1:10000-10002, data in .azurite/ (log: .azurite/azurite.log)
   traces, metrics:   $TRACES_TO

 Submit a demo sample request and read it back:

   KEY='$API_KEY'
   LOC=\$(curl -s -o /dev/null -D - -X POST $HOST_URL/api/v1/sample-requests \\
     -H "X-Api-Key: \$KEY" -H 'Content-Type: application/json' \\
     -d '$BODY' \\
     | tr -d '\r' | sed -n 's/^[Ll]ocation: *//p')
   echo "\$LOC"
   curl -s "$HOST_URL\$LOC" -H "X-Api-Key: \$KEY"; echo
==============================================================================

EOF

set +e
wait "$HOST_PID"
HOST_RC=$?
set -e
sb_log "the local host exited with code $HOST_RC"
cleanup
exit "$HOST_RC"
