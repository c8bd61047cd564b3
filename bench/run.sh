#!/usr/bin/env bash
# Load test, with wrk, of one server running:
#   - Worky serving examples/hello,
#   - Caddy's own `respond` serving a similar body,
#   - Worky serving examples/kv-counter read-mostly: 99 of every 100
#     requests read a count (/peek/bench), one counts a visit (/bench),
#     which writes to KV (SQLite, through the cache).
# Prints each one's requests/sec, hello against respond and kv-counter
# against hello. Run from anywhere:
#
#	bash bench/run.sh
#
# Tunable through the environment: THREADS (2), CONNECTIONS (64),
# DURATION (10s), ISOLATES (the handler's default: one per CPU), PORT (the
# first of the three ports the server listens on: 9801).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
worky_port=${PORT:-9801}
caddy_port=$((worky_port + 1))
kv_port=$((worky_port + 2))

# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
check_ports $worky_port $caddy_port $kv_port
need_wrk
build_worky

cat >"$work/Caddyfile" <<CADDYFILE
{
	admin off
	log {
		level ERROR
	}
	worky {
		kv_path $work/kv.db
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

:$kv_port {
	worky {
		script $root/examples/kv-counter/worker.js
		name kv-counter
		kv COUNTS visits
		$isolates
	}
}
CADDYFILE

# One request in 100 counts a visit (a KV write); the others only read.
cat >"$work/read-mostly.lua" <<'LUA'
local n = 0
request = function()
	n = n + 1
	if n % 100 == 0 then
		return wrk.format("GET", "/bench")
	end
	return wrk.format("GET", "/peek/bench")
end
LUA

start_server $worky_port $caddy_port $kv_port

# Both answer the same body, so the comparison is like for like.
worky_body=$(curl -fsS "http://127.0.0.1:$worky_port/")
caddy_body=$(curl -fsS "http://127.0.0.1:$caddy_port/")
if [ "$worky_body" != "$caddy_body" ]; then
	echo "the two servers answer differently: worky $(printf %q "$worky_body"), caddy $(printf %q "$caddy_body")" >&2
	exit 1
fi

# The count the read-mostly load reads, and a check that KV works.
curl -fsS -o /dev/null "http://127.0.0.1:$kv_port/bench"
kv_body=$(curl -fsS "http://127.0.0.1:$kv_port/peek/bench")
if [ "$kv_body" != '{"path":"/bench","visits":1}' ]; then
	echo "kv-counter answers $(printf %q "$kv_body"), want {\"path\":\"/bench\",\"visits\":1}" >&2
	exit 1
fi

# rps runs wrk against a URL (after a short warm-up), with the wrk script
# $2 if given, and prints its requests/sec; non-2xx answers make it fail.
rps() {
	local script=()
	if [ -n "${2:-}" ]; then
		script=(-s "$2")
	fi
	wrk -t"$threads" -c"$connections" -d2s "${script[@]}" "$1" >/dev/null
	local out
	out=$(wrk -t"$threads" -c"$connections" -d"$duration" "${script[@]}" "$1")
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
echo "== wrk -t$threads -c$connections -d$duration: worky (examples/kv-counter, read-mostly)"
kv_rps=$(rps "http://127.0.0.1:$kv_port/" "$work/read-mostly.lua")
visits=$(curl -fsS "http://127.0.0.1:$kv_port/peek/bench")

echo
printf '%-22s %12s req/s\n' "worky (hello)" "$worky_rps" "caddy respond" "$caddy_rps" "worky (kv-counter)" "$kv_rps"
awk -v w="$worky_rps" -v c="$caddy_rps" -v k="$kv_rps" 'BEGIN {
	printf "%-22s %12.3f (worky hello / caddy respond)\n", "ratio", w / c
	printf "%-22s %12.3f (kv-counter read-mostly / hello)\n", "ratio", k / w
}'
echo "kv-counter's count of /bench after the runs: $visits"
