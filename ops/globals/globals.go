// Package globals provides the small globals a worker expects that belong
// to no other family: structuredClone (all JS), performance (its clocks
// from Go), navigator and scheduler.
package globals

import (
	_ "embed"
	"time"

	"github.com/worky-dev/worky/runtime"
)

//go:embed globals.js
var js string

// Version is Worky's version, the one constant every place that reports
// it (navigator.userAgent here, the worky binary's version) reads.
const Version = "0.1.0"

// UserAgent is navigator.userAgent.
const UserAgent = "Worky/" + Version

// Extension returns the globals family.
func Extension() *runtime.Extension {
	return &runtime.Extension{
		Name: "globals",
		Deps: []string{"webidl", "dom", "events", "timers"},
		JS:   []runtime.Script{{Name: "ext:globals/globals.js", Source: js}},
		Ops: []runtime.Op{
			{Name: "op_globals_now", Sync: opGlobalsNow},
			{Name: "op_globals_origin", Sync: opGlobalsOrigin},
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

// opGlobalsOrigin returns [monotonic ms, Unix epoch ms], read together:
// JS keeps the first as performance.now()'s zero and the second as
// performance.timeOrigin, so timeOrigin + now() tracks the wall clock
// with sub-millisecond precision.
func opGlobalsOrigin(*runtime.Call) (any, error) {
	now := time.Now()
	mono := float64(now.Sub(start).Nanoseconds()) / 1e6
	wall := float64(now.UnixNano()) / 1e6
	return []float64{mono, wall}, nil
}
