// Command worky is Caddy with its standard modules plus Worky: the `worky`
// app, the http.handlers.worky handler and the `worky` Caddyfile directive.
// It takes every command and flag Caddy does, and Worky's own, which the
// caddymodule package registers (so any Caddy built with it has them):
//
//	worky run --config Caddyfile
//	worky kv list COUNTS --db ./.worky/kv.db
package main

import (
	caddycmd "github.com/caddyserver/caddy/v2/cmd"

	// Caddy's standard modules, as in the official caddy binary.
	_ "github.com/caddyserver/caddy/v2/modules/standard"

	// Worky.
	_ "github.com/worky-dev/worky/caddymodule"
)

func main() {
	caddycmd.Main()
}
