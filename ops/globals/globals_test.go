package globals_test

import (
	"testing"

	"github.com/worky-dev/worky/ops/console"
	"github.com/worky-dev/worky/ops/crypto"
	"github.com/worky-dev/worky/ops/dom"
	"github.com/worky-dev/worky/ops/encoding"
	"github.com/worky-dev/worky/ops/globals"
	"github.com/worky-dev/worky/ops/opstest"
	"github.com/worky-dev/worky/ops/timers"
	"github.com/worky-dev/worky/ops/webidl"
	"github.com/worky-dev/worky/runtime"
)

func TestGlobalsCases(t *testing.T) {
	opstest.RunCases(t, []*runtime.Extension{webidl.Extension(), dom.Extension(), globals.Extension()}, "testdata/globals.js")
}

// exposeInspect hands console's formatter to the together.js cases.
var exposeInspect = &runtime.Extension{
	Name: "inspecttest",
	Deps: []string{"console"},
	JS:   []runtime.Script{{Name: "ext:inspecttest/expose.js", Source: `core.defineGlobal("inspect", core.use("inspect"));`}},
}

// TestFamiliesTogether installs every family of this group in order and
// checks them against each other.
func TestFamiliesTogether(t *testing.T) {
	exts := []*runtime.Extension{
		webidl.Extension(), dom.Extension(), console.Extension(), timers.Extension(),
		encoding.Extension(), crypto.Extension(), globals.Extension(), exposeInspect,
	}
	opstest.RunCases(t, exts, "testdata/together.js")
}
