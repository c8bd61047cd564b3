package globals_test

import (
	"testing"

	"github.com/worky-dev/worky/ops/console"
	"github.com/worky-dev/worky/ops/crypto"
	"github.com/worky-dev/worky/ops/dom"
	"github.com/worky-dev/worky/ops/encoding"
	"github.com/worky-dev/worky/ops/events"
	"github.com/worky-dev/worky/ops/globals"
	"github.com/worky-dev/worky/ops/opstest"
	"github.com/worky-dev/worky/ops/timers"
	"github.com/worky-dev/worky/ops/webidl"
	"github.com/worky-dev/worky/runtime"
)

func TestGlobalsCases(t *testing.T) {
	exts := []*runtime.Extension{webidl.Extension(), dom.Extension(), events.Extension(), timers.Extension(), globals.Extension()}
	opstest.RunCases(t, exts, "testdata/globals.js")
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
		webidl.Extension(), dom.Extension(), events.Extension(), console.Extension(), timers.Extension(),
		encoding.Extension(), crypto.Extension(), globals.Extension(), exposeInspect,
	}
	opstest.RunCases(t, exts, "testdata/together.js")
}

// TestUserAgentIsVersion checks navigator.userAgent against the one
// version constant.
func TestUserAgentIsVersion(t *testing.T) {
	exts := []*runtime.Extension{webidl.Extension(), dom.Extension(), events.Extension(), timers.Extension(), globals.Extension()}
	p := opstest.NewPool(t, exts, "export default { fetch() {} };\n")
	if got, want := opstest.Eval(t, p, "return navigator.userAgent"), `"Worky/`+globals.Version+`"`; got != want {
		t.Fatalf("navigator.userAgent: got %s, want %s", got, want)
	}
}
