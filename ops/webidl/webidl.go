// Package webidl holds the Web IDL conversions and checks that every other
// family's JS shares: argument counts, string and integer conversions,
// buffer sources and brand checks. It has no Go ops: the conversions are
// cheaper in JS than a crossing of the boundary would be.
package webidl

import (
	_ "embed"

	"github.com/worky-dev/worky/runtime"
)

//go:embed webidl.js
var js string

// Extension returns the webidl family. Its JS provides "webidl" to the
// families that come after it (core.use("webidl")).
func Extension() *runtime.Extension {
	return &runtime.Extension{
		Name: "webidl",
		JS:   []runtime.Script{{Name: "ext:webidl/webidl.js", Source: js}},
	}
}
