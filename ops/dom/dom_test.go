package dom_test

import (
	"testing"

	"github.com/worky-dev/worky/ops/dom"
	"github.com/worky-dev/worky/ops/opstest"
	"github.com/worky-dev/worky/ops/webidl"
	"github.com/worky-dev/worky/runtime"
)

// goThrower gives the cases an op that fails with runtime.DOMException, to
// check that the runtime builds its exceptions with this DOMException.
var goThrower = &runtime.Extension{
	Name: "domtest",
	Deps: []string{"dom"},
	JS:   []runtime.Script{{Name: "ext:domtest/expose.js", Source: `core.defineGlobal("goThrow", (name, msg) => ops.op_domtest_throw(name, msg));`}},
	Ops: []runtime.Op{{Name: "op_domtest_throw", Sync: func(c *runtime.Call) (any, error) {
		return nil, runtime.DOMException(c.String(0), "%s", c.String(1))
	}}},
}

func TestDOM(t *testing.T) {
	opstest.RunCases(t, []*runtime.Extension{webidl.Extension(), dom.Extension(), goThrower}, "testdata/dom.js")
}
