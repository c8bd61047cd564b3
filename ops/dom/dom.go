// Package dom provides DOMException, the error class Web APIs throw (and
// that Go ops choose with runtime.DOMException). It is all JS; there are no
// Go ops.
package dom

import (
	_ "embed"

	"github.com/worky-dev/worky/runtime"
)

//go:embed dom.js
var js string

// Extension returns the dom family. Its JS installs the DOMException global
// and provides it to the runtime and to later families as "DOMException".
func Extension() *runtime.Extension {
	return &runtime.Extension{
		Name: "dom",
		Deps: []string{"webidl"},
		JS:   []runtime.Script{{Name: "ext:dom/dom.js", Source: js}},
	}
}
