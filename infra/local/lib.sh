# shellcheck shell=bash disable=SC2034
# Helpers shared by infra/local/run.sh and infra/local/test.sh. Source it, don't run it.
#
# Needs only bash, coreutils, Node 20 / npm and the .NET SDK (curl is used when present, else node).
#
# Tunables (environment):
#   SB_AZURITE_START_TIMEOUT  seconds to wait for the three Azurite ports (default 60)
#   SB_AZURITE_SETTLE_SECONDS seconds to wait before TERM-ing Azurite (default 5; Azurite saves its
#                             metadata only every few seconds and a kill within ~5 s of a write loses it)
#   SB_AZURITE_KILL_AFTER     seconds between TERM and KILL for Azurite (default 10)
#   SB_AZURITE_ACCESS_LOG=1   keep Azurite's per-request access log (default: --silent, which costs
#                             Azurite's single Node thread less; startup/shutdown lines are still logged)
#   SB_AZURITE_SETSID=0       start Azurite in the caller's process group (default 1: its own session,
#                             so a Ctrl-C in the terminal reaches only the script, which then stops
#                             the host first and Azurite last)

if [[ -n "${SB_LIB_SOURCED:-}" ]]; then return 0; fi
SB_LIB_SOURCED=1

SB_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SB_ROOT="$(cd "$SB_LIB_DIR/../.." && pwd)"

# Well-known Azurite development account (public, documented; not a secret).
SB_DEV_ACCOUNT=devstoreaccount1
SB_DEV_KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

SB_AZURITE_PID=""
SB_AZURITE_PIDFILE=""
SB_AZURITE_LOG=""
SB_STOPPED_RC=""

sb_log() { printf '[samplebroker] %s\n' "$*" >&2; }
sb_err() { printf '[samplebroker] ERROR: %s\n' "$*" >&2; }

# Repo root (absolute).
sb_root() { printf '%s\n' "$SB_ROOT"; }

# sb_pid_alive <pid>: true while the process exists and is not a zombie.
sb_pid_alive() {
  local pid="$1" stat
  [[ -n "$pid" ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r "/proc/$pid/stat" ]]; then
    stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || return 1
    stat="${stat##*) }"          # drop "pid (comm) ", comm may contain spaces
    [[ "${stat%% *}" != Z ]] || return 1
  fi
  return 0
}

# sb_port_open <port> [host]: true when something accepts TCP connections there.
sb_port_open() {
  local port="$1" host="${2:-127.0.0.1}"
  timeout 2 bash -c "exec 3<>/dev/tcp/$host/$port" 2>/dev/null
}

# Installs Azurite from infra/local/package-lock.json when it is missing or the lock file changed
# since the last install (a stamp with the lock file's hash is kept in node_modules).
sb_ensure_azurite() {
  local dir="$SB_ROOT/infra/local"
  local bin="$dir/node_modules/.bin/azurite"
  local stamp="$dir/node_modules/.samplebroker-lock.sha256"
  local want have=""
  if ! command -v npm >/dev/null 2>&1; then
    sb_err "npm not found: install Node.js 20 and npm (Debian: apt-get install nodejs npm)"
    return 1
  fi
  want="$(cat "$dir/package-lock.json" "$dir/package.json" | sha256sum | cut -d' ' -f1)"
  [[ -f "$stamp" ]] && have="$(cat "$stamp")"
  if [[ -x "$bin" && "$have" == "$want" ]]; then
    return 0
  fi
  sb_log "installing Azurite (npm ci in infra/local) ..."
  if ! (cd "$SB_ROOT" && npm ci --prefix infra/local --no-audit --no-fund >&2); then
    sb_err "npm ci --prefix infra/local failed"
    return 1
  fi
  if [[ ! -x "$bin" ]]; then
    sb_err "npm ci finished but $bin is missing"
    return 1
  fi
  printf '%s\n' "$want" >"$stamp"
}

# sb_start_azurite <dataDir> <blobPort> <queuePort> <tablePort> <logFile>
# Starts Azurite in the background, sets SB_AZURITE_PID (also written to <dataDir>/azurite.pid)
# and returns once all three ports accept connections.
sb_start_azurite() {
  if [[ $# -ne 5 ]]; then
    sb_err "usage: sb_start_azurite <dataDir> <blobPort> <queuePort> <tablePort> <logFile>"
    return 2
  fi
  local data="$1" blob="$2" queue="$3" table="$4" logf="$5"
  local bin="$SB_ROOT/infra/local/node_modules/.bin/azurite"
  local timeout="${SB_AZURITE_START_TIMEOUT:-60}"
  local port pidfile oldpid deadline start_s
  if [[ ! -x "$bin" ]]; then
    sb_err "Azurite is not installed ($bin); call sb_ensure_azurite first"
    return 1
  fi
  if sb_pid_alive "$SB_AZURITE_PID"; then
    sb_err "Azurite already started by this script (PID $SB_AZURITE_PID)"
    return 1
  fi
  mkdir -p "$data" "$(dirname "$logf")"
  data="$(cd "$data" && pwd)"
  pidfile="$data/azurite.pid"

  for port in "$blob" "$queue" "$table"; do
    if sb_port_open "$port"; then
      local hint=""
      oldpid="$(cat "$pidfile" 2>/dev/null || true)"
      if [[ -n "$oldpid" ]] && sb_pid_alive "$oldpid" \
        && tr '\0' ' ' <"/proc/$oldpid/cmdline" 2>/dev/null | grep -q azurite; then
        hint=" (an Azurite left over from an earlier run on the same data folder, PID $oldpid, holds it: kill $oldpid)"
      elif command -v ss >/dev/null 2>&1; then
        local who
        who="$(ss -Hltnp "sport = :$port" 2>/dev/null | grep -o 'users:(.*)' | head -1 || true)"
        [[ -n "$who" ]] && hint=" ($who)"
      fi
      sb_err "port $port (127.0.0.1) is already in use by another process$hint; cannot start Azurite on ports $blob/$queue/$table"
      return 1
    fi
  done

  local -a args=(--skipApiVersionCheck --loose --disableTelemetry --location "$data"
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1
    --blobPort "$blob" --queuePort "$queue" --tablePort "$table")
  [[ "${SB_AZURITE_ACCESS_LOG:-0}" == 1 ]] || args+=(--silent)

  printf '=== %s azurite %s\n' "$(date -u +%FT%TZ)" "${args[*]}" >>"$logf"
  start_s=$(date +%s.%N)
  if [[ "${SB_AZURITE_SETSID:-1}" == 1 ]] && command -v setsid >/dev/null 2>&1; then
    setsid "$bin" "${args[@]}" </dev/null >>"$logf" 2>&1 &
  else
    "$bin" "${args[@]}" </dev/null >>"$logf" 2>&1 &
  fi
  SB_AZURITE_PID=$!
  SB_AZURITE_LOG="$logf"
  SB_AZURITE_PIDFILE="$pidfile"
  printf '%s\n' "$SB_AZURITE_PID" >"$pidfile"

  deadline=$((SECONDS + timeout))
  while :; do
    if ! sb_pid_alive "$SB_AZURITE_PID"; then
      wait "$SB_AZURITE_PID" 2>/dev/null
      sb_err "Azurite exited during startup (code $?); last lines of $logf:"
      tail -n 30 "$logf" >&2
      SB_AZURITE_PID=""
      rm -f "$pidfile"
      return 1
    fi
    if sb_port_open "$blob" && sb_port_open "$queue" && sb_port_open "$table"; then
      break
    fi
    if ((SECONDS >= deadline)); then
      sb_err "Azurite did not open ports $blob/$queue/$table within ${timeout}s; last lines of $logf:"
      tail -n 30 "$logf" >&2
      sb_stop_pid "$SB_AZURITE_PID" azurite 5 || true
      SB_AZURITE_PID=""
      rm -f "$pidfile"
      return 1
    fi
    sleep 0.2
  done
  sb_log "Azurite up (PID $SB_AZURITE_PID, ports $blob/$queue/$table, data $data) in $(awk -v s="$start_s" -v e="$(date +%s.%N)" 'BEGIN{printf "%.1f", e-s}')s"
}

# sb_stop_pid <pid> <name> <graceSeconds>: TERM, wait up to grace seconds, then KILL.
# Sets SB_STOPPED_RC to the exit code when <pid> is a child of this shell (else empty).
sb_stop_pid() {
  local pid="$1" name="${2:-process}" grace="${3:-10}" deadline
  SB_STOPPED_RC=""
  [[ -n "$pid" ]] || return 0
  if sb_pid_alive "$pid"; then
    sb_log "stopping $name (PID $pid) ..."
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + grace))
    while sb_pid_alive "$pid" && ((SECONDS < deadline)); do sleep 0.2; done
    if sb_pid_alive "$pid"; then
      sb_log "$name (PID $pid) still running after ${grace}s: KILL"
      kill -KILL "$pid" 2>/dev/null || true
      deadline=$((SECONDS + 10))
      while sb_pid_alive "$pid" && ((SECONDS < deadline)); do sleep 0.1; done
    fi
  fi
  if wait "$pid" 2>/dev/null; then SB_STOPPED_RC=0; else
    local rc=$?
    # 127: not a child of this shell (or already collected); no code to report
    [[ $rc -eq 127 ]] || SB_STOPPED_RC=$rc
  fi
  if sb_pid_alive "$pid"; then
    sb_err "$name (PID $pid) survived KILL"
    return 1
  fi
  return 0
}

# Stops the Azurite started by sb_start_azurite: waits a few seconds so it can save its metadata,
# then TERM, then KILL after 10 s.
sb_stop_azurite() {
  local pid="$SB_AZURITE_PID"
  [[ -n "$pid" ]] || return 0
  if sb_pid_alive "$pid"; then
    local settle="${SB_AZURITE_SETTLE_SECONDS:-5}"
    if [[ "$settle" != 0 ]]; then
      sb_log "letting Azurite save its metadata (${settle}s) ..."
      sleep "$settle"
    fi
    sb_stop_pid "$pid" azurite "${SB_AZURITE_KILL_AFTER:-10}" || return 1
  else
    wait "$pid" 2>/dev/null || true
  fi
  [[ -n "$SB_AZURITE_PIDFILE" ]] && rm -f "$SB_AZURITE_PIDFILE"
  SB_AZURITE_PID=""
  SB_AZURITE_PIDFILE=""
  return 0
}

# sb_http_status <url>: prints the HTTP status code (000 when no answer).
sb_http_status() {
  local url="$1"
  if command -v curl >/dev/null 2>&1; then
    curl -s -o /dev/null -m 5 -w '%{http_code}' "$url" 2>/dev/null || true
  else
    SB_URL="$url" node -e '
      const u = new URL(process.env.SB_URL);
      const lib = require(u.protocol === "https:" ? "https" : "http");
      const req = lib.get(u, { timeout: 5000 }, r => { process.stdout.write(String(r.statusCode)); r.resume(); r.on("end", () => process.exit(0)); });
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.on("error", () => { process.stdout.write("000"); process.exit(0); });
    ' 2>/dev/null || printf '000'
  fi
}

# sb_wait_http <url> <timeoutSeconds> [pid]: polls until the URL answers 200.
# With a pid, gives up as soon as that process has exited.
sb_wait_http() {
  local url="$1" timeout="${2:-60}" pid="${3:-}" deadline code=""
  deadline=$((SECONDS + timeout))
  while :; do
    code="$(sb_http_status "$url")"
    [[ "$code" == 200 ]] && return 0
    if [[ -n "$pid" ]] && ! sb_pid_alive "$pid"; then
      sb_err "process $pid exited before $url answered 200"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      sb_err "$url did not answer 200 within ${timeout}s (last status: ${code:-none})"
      return 1
    fi
    sleep 0.5
  done
}

# sb_conn_string <blobPort> <queuePort> <tablePort>: Azurite dev connection string on 127.0.0.1.
sb_conn_string() {
  local blob="${1:-10000}" queue="${2:-10001}" table="${3:-10002}"
  printf 'DefaultEndpointsProtocol=http;AccountName=%s;AccountKey=%s;BlobEndpoint=http://127.0.0.1:%s/%s;QueueEndpoint=http://127.0.0.1:%s/%s;TableEndpoint=http://127.0.0.1:%s/%s;\n' \
    "$SB_DEV_ACCOUNT" "$SB_DEV_KEY" "$blob" "$SB_DEV_ACCOUNT" "$queue" "$SB_DEV_ACCOUNT" "$table" "$SB_DEV_ACCOUNT"
}
