// Package globals provides the small globals a worker expects that belong
// to no other family: structuredClone (all JS), performance (its clock
// from Go) and navigator.
package globals

import (
	_ "embed"
	"time"

	"github.com/worky-dev/worky/runtime"
)

//go:embed globals.js
var js string

// UserAgent is navigator.userAgent.
const UserAgent = "Worky/0.1.0"

// Extension returns the globals family.
func Extension() *runtime.Extension {
	return &runtime.Extension{
		Name: "globals",
		Deps: []string{"webidl", "dom"},
		JS:   []runtime.Script{{Name: "ext:globals/globals.js", Source: js}},
		Ops: []runtime.Op{
			{Name: "op_globals_now", Sync: opGlobalsNow},
			{Name: "op_globals_user_agent", Sync: func(*runtime.Call) (any, error) { return UserAgent, nil }},
		},
	}
}

// start is the origin of op_globals_now; JS subtracts the value it read
// when the isolate started.
var start = time.Now()

// opGlobalsNow returns monotonic milliseconds, with sub-millisecond
// precision.
func opGlobalsNow(*runtime.Call) (any, error) {
	return float64(time.Since(start).Nanoseconds()) / 1e6, nil
}
