# Shared by side-by-side.sh and vs-prometheus.sh (sourced after they cd to the project root): a work directory
# removed on exit, the processes started by the script stopped on exit, and small /proc and port helpers.

WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

# prints a TCP port free on 127.0.0.1 at the time of the call
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
# status_kb PID FIELD: a /proc/PID/status field in kB (VmRSS, VmHWM)
status_kb() { awk -v k="$2:" '$1==k {print $2}' "/proc/$1/status"; }
