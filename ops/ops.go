// Package ops lists the Web API families, in dependency order. It is the
// one place that wires them; the runtime installs them into every isolate.
package ops

import "github.com/worky-dev/worky/runtime"

// All returns every family, dependencies first.
func All() []*runtime.Extension {
	return []*runtime.Extension{}
}
