package webidl_test

import (
	"testing"

	"github.com/worky-dev/worky/ops/opstest"
	"github.com/worky-dev/worky/ops/webidl"
	"github.com/worky-dev/worky/runtime"
)

// exposeForTest hands the webidl internals to the test cases as
// globalThis.webidl; nothing in production does this.
var exposeForTest = &runtime.Extension{
	Name: "webidltest",
	Deps: []string{"webidl"},
	JS:   []runtime.Script{{Name: "ext:webidltest/expose.js", Source: `core.defineGlobal("webidl", core.use("webidl"));`}},
}

func TestWebIDL(t *testing.T) {
	opstest.RunCases(t, []*runtime.Extension{webidl.Extension(), exposeForTest}, "testdata/webidl.js")
}
