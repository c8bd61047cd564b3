#!/usr/bin/env bash
# Load test, with wrk, of edge middleware against a plain reverse proxy,
# in one server and one run:
#   - origin: a Caddy `respond` site answering an HTML page;
#   - edge:   Worky serving examples/edge-middleware (request header, A/B
#             routing by cookie, HTML rewrite) then reverse_proxy to the
#             origin; the worker's fetch() goes to reverse_proxy
#             in-process;
#   - proxy:  reverse_proxy to the same origin, nothing in front.
# wrk sends `Cookie: ab=a`, a returning visitor, so every request takes
# the same path through the worker. Prints both requests/sec and the
# ratio edge / proxy. Run from anywhere:
#
#	bash bench/edge.sh
#
# Tunable through the environment: THREADS (2), CONNECTIONS (64),
# DURATION (10s), ISOLATES (the handler's default: one per CPU), PORT (the
# first of the three ports the server listens on: 9811).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
edge_port=${PORT:-9811}
proxy_port=$((edge_port + 1))
origin_port=$((edge_port + 2))

# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
check_ports $edge_port $proxy_port $origin_port
need_wrk
build_worky

cat >"$work/Caddyfile" <<CADDYFILE
{
	admin off
	log {
		level ERROR
	}
}

:$edge_port {
	worky {
		script $root/examples/edge-middleware/worker.js
		name edge-middleware
		$isolates
	}
	reverse_proxy 127.0.0.1:$origin_port
}

:$proxy_port {
	reverse_proxy 127.0.0.1:$origin_port
}

:$origin_port {
	header Content-Type "text/html; charset=utf-8"
	respond "<!doctype html><title>Bench</title><p>Hello from the origin</p><p>{http.request.uri.path}</p>
"
}
CADDYFILE

start_server $origin_port $proxy_port $edge_port

# The edge must really do its work: the origin sees /a/..., the HTML is
# rewritten.
edge_body=$(curl -fsS -H 'Cookie: ab=a' "http://127.0.0.1:$edge_port/page")
proxy_body=$(curl -fsS "http://127.0.0.1:$proxy_port/page")
want_edge='<!doctype html><title>Bench</title><p>Hello from the edge</p><p>/a/page</p>'
want_proxy='<!doctype html><title>Bench</title><p>Hello from the origin</p><p>/page</p>'
if [ "$edge_body" != "$want_edge" ] || [ "$proxy_body" != "$want_proxy" ]; then
	echo "unexpected answers: edge $(printf %q "$edge_body") (want $(printf %q "$want_edge")), proxy $(printf %q "$proxy_body") (want $(printf %q "$want_proxy"))" >&2
	exit 1
fi

# rps runs wrk against a URL (after a short warm-up) as a returning A/B
# visitor and prints its requests/sec; non-2xx answers make it fail.
rps() {
	wrk -t"$threads" -c"$connections" -d2s -H 'Cookie: ab=a' "$1" >/dev/null
	local out
	out=$(wrk -t"$threads" -c"$connections" -d"$duration" -H 'Cookie: ab=a' "$1")
	echo "$out" >&2
	if grep -q "Non-2xx or 3xx responses" <<<"$out"; then
		echo "wrk saw error responses from $1" >&2
		return 1
	fi
	if ! kill -0 "$server_pid" 2>/dev/null; then
		echo "the server died under load:" >&2
		tail -50 "$work/server.log" >&2
		return 1
	fi
	local r
	r=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
	if ! awk -v r="$r" 'BEGIN { exit !(r > 0) }'; then
		echo "no requests succeeded against $1" >&2
		tail -50 "$work/server.log" >&2
		return 1
	fi
	echo "$r"
}

echo "== wrk -t$threads -c$connections -d$duration: edge-middleware + reverse_proxy"
edge_rps=$(rps "http://127.0.0.1:$edge_port/page") || exit 1
echo "== wrk -t$threads -c$connections -d$duration: reverse_proxy alone"
proxy_rps=$(rps "http://127.0.0.1:$proxy_port/page") || exit 1

echo
printf '%-30s %12s req/s\n' "worky edge-middleware + proxy" "$edge_rps" "reverse_proxy alone" "$proxy_rps"
awk -v e="$edge_rps" -v p="$proxy_rps" 'BEGIN {
	printf "%-30s %12.3f (edge-middleware / reverse_proxy alone)\n", "ratio", e / p
}'
