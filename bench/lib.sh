# Shared by the load scripts in bench/: source it after `set -euo pipefail`
# and after setting `root`. It reads THREADS, CONNECTIONS, DURATION and
# ISOLATES from the environment, and provides:
#   check_ports PORT...  fail if a port is taken (Caddy listens with
#                        SO_REUSEPORT: a server already there would
#                        silently take a share of the load)
#   need_wrk             install wrk when missing (as root, from Debian)
#   work, server_pid     a temporary folder, removed on exit with the
#                        server started in it
#   build_worky          build cmd/worky into $work/worky
#   isolates             "isolates N" for a worky block when ISOLATES is set
#   start_server PORT... start $work/worky on $work/Caddyfile, wait for the ports

threads=${THREADS:-2}
connections=${CONNECTIONS:-64}
duration=${DURATION:-10s}

check_ports() {
	local port
	for port in "$@"; do
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "port $port is already in use; choose others with PORT=<first port>" >&2
			exit 1
		fi
	done
}

need_wrk() {
	command -v wrk >/dev/null && return
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "== installing wrk"
		apt-get install -y wrk >/dev/null || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
	else
		echo "wrk is not installed; install it (e.g. apt-get install wrk) and run again" >&2
		exit 1
	fi
}

work=$(mktemp -d)
server_pid=
cleanup() {
	if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
		kill "$server_pid"
		wait "$server_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

build_worky() {
	echo "== building cmd/worky"
	(cd "$root" && CGO_ENABLED=1 go build -o "$work/worky" ./cmd/worky)
}

isolates=
if [ -n "${ISOLATES:-}" ]; then
	isolates="isolates $ISOLATES"
fi

# start_server PORT... runs $work/worky on $work/Caddyfile and waits until
# every port answers, failing with the server's log if it exits or a port
# stays silent for 10s.
start_server() {
	echo "== starting the server (log: $work/server.log)"
	XDG_CONFIG_HOME="$work" XDG_DATA_HOME="$work" "$work/worky" run --config "$work/Caddyfile" >"$work/server.log" 2>&1 &
	server_pid=$!
	local port
	for port in "$@"; do
		for _ in $(seq 1 100); do
			if curl -fsS -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null; then
				continue 2
			fi
			if ! kill -0 "$server_pid" 2>/dev/null; then
				echo "the server exited:" >&2
				cat "$work/server.log" >&2
				exit 1
			fi
			sleep 0.1
		done
		echo "port $port did not answer in 10s" >&2
		cat "$work/server.log" >&2
		exit 1
	done
}
