// Command worky is Caddy with its standard modules plus Worky: the `worky`
// app, the http.handlers.worky handler and the `worky` Caddyfile directive.
// It takes every command and flag Caddy does:
//
//	worky run --config Caddyfile
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
