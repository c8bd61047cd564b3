// Package examples holds example workers, one folder each with its worker
// and a Caddyfile that serves it. Every example is also an end-to-end test
// (examples_test.go): a real Caddy loads the example's own Caddyfile and
// the test checks what the documented curl command would print.
package examples
