#!/usr/bin/env bash
# Load test: Worky serving examples/hello against Caddy's own `respond`
# serving a similar body, on the same server, with wrk. Prints each one's
# requests/sec and their ratio. Run from anywhere:
#
#	bash bench/run.sh
#
# Tunable through the environment: THREADS (2), CONNECTIONS (64),
# DURATION (10s), ISOLATES (the handler's default: one per CPU).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
threads=${THREADS:-2}
connections=${CONNECTIONS:-64}
duration=${DURATION:-10s}
worky_port=9801
caddy_port=9802

if ! command -v wrk >/dev/null; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "== installing wrk"
		apt-get install -y wrk >/dev/null || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
	else
		echo "wrk is not installed; install it (e.g. apt-get install wrk) and run again" >&2
		exit 1
	fi
fi

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

echo "== building cmd/worky"
(cd "$root" && CGO_ENABLED=1 go build -o "$work/worky" ./cmd/worky)

isolates=
if [ -n "${ISOLATES:-}" ]; then
	isolates="isolates $ISOLATES"
fi
cat >"$work/Caddyfile" <<CADDYFILE
{
	admin off
	log {
		level ERROR
	}
}

:$worky_port {
	worky {
		script $root/examples/hello/worker.js
		name hello
		var GREETING Hello
		$isolates
	}
}

:$caddy_port {
	header Content-Type "text/plain; charset=utf-8"
	respond "Hello, world! You asked for /
"
}
CADDYFILE

echo "== starting the server (log: $work/server.log)"
XDG_CONFIG_HOME="$work" XDG_DATA_HOME="$work" "$work/worky" run --config "$work/Caddyfile" >"$work/server.log" 2>&1 &
server_pid=$!
for port in $worky_port $caddy_port; do
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

# Both answer the same body, so the comparison is like for like.
worky_body=$(curl -fsS "http://127.0.0.1:$worky_port/")
caddy_body=$(curl -fsS "http://127.0.0.1:$caddy_port/")
if [ "$worky_body" != "$caddy_body" ]; then
	echo "the two servers answer differently: worky $(printf %q "$worky_body"), caddy $(printf %q "$caddy_body")" >&2
	exit 1
fi

# rps runs wrk against a URL (after a short warm-up) and prints its
# requests/sec; non-2xx answers make it fail.
rps() {
	wrk -t"$threads" -c"$connections" -d2s "$1" >/dev/null
	local out
	out=$(wrk -t"$threads" -c"$connections" -d"$duration" "$1")
	echo "$out" >&2
	if grep -q "Non-2xx or 3xx responses" <<<"$out"; then
		echo "wrk saw error responses from $1" >&2
		return 1
	fi
	awk '/^Requests\/sec:/ { print $2 }' <<<"$out"
}

echo "== wrk -t$threads -c$connections -d$duration: worky (examples/hello)"
worky_rps=$(rps "http://127.0.0.1:$worky_port/")
echo "== wrk -t$threads -c$connections -d$duration: caddy respond"
caddy_rps=$(rps "http://127.0.0.1:$caddy_port/")

echo
printf '%-16s %12s req/s\n' "worky (hello)" "$worky_rps" "caddy respond" "$caddy_rps"
awk -v w="$worky_rps" -v c="$caddy_rps" 'BEGIN { printf "%-16s %12.3f (worky / caddy respond)\n", "ratio", w / c }'
