// Package console provides the console global. The formatting (a port of
// the behaviour of Node's util.inspect, written afresh) is JS; Go supplies
// a monotonic clock for console.time and a peek at a promise's state,
// which JS cannot read synchronously.
package console

import (
	_ "embed"
	"time"

	v8 "github.com/tommie/v8go"
	"github.com/worky-dev/worky/runtime"
)

//go:embed inspect.js
var inspectJS string

//go:embed console.js
var consoleJS string

// Extension returns the console family. Its JS installs console and
// provides the formatter to later families as "inspect".
func Extension() *runtime.Extension {
	return &runtime.Extension{
		Name: "console",
		Deps: []string{"webidl"},
		JS: []runtime.Script{
			{Name: "ext:console/inspect.js", Source: inspectJS},
			{Name: "ext:console/console.js", Source: consoleJS},
		},
		Ops: []runtime.Op{
			{Name: "op_console_now", Sync: opConsoleNow},
			{Name: "op_console_promise_state", Sync: opConsolePromiseState},
			{Name: "op_console_promise_result", Sync: opConsolePromiseResult},
		},
	}
}

// start is the origin of op_console_now; only differences are reported.
var start = time.Now()

// opConsoleNow returns monotonic milliseconds, with sub-millisecond
// precision, for console.time.
func opConsoleNow(c *runtime.Call) (any, error) {
	return float64(time.Since(start).Nanoseconds()) / 1e6, nil
}

// opConsolePromiseState returns -1 for a value that is not a promise, else
// 0 (pending), 1 (fulfilled) or 2 (rejected).
func opConsolePromiseState(c *runtime.Call) (any, error) {
	p, err := c.Arg(0).AsPromise()
	if err != nil {
		return -1, nil
	}
	switch p.State() {
	case v8.Fulfilled:
		return 1, nil
	case v8.Rejected:
		return 2, nil
	}
	return 0, nil
}

// opConsolePromiseResult returns the value a settled promise holds.
func opConsolePromiseResult(c *runtime.Call) (any, error) {
	p, err := c.Arg(0).AsPromise()
	if err != nil || p.State() == v8.Pending {
		return nil, nil
	}
	// Result makes a handle of its own; the runtime releases it once JS
	// has the value.
	return c.Track(p.Result()), nil
}
