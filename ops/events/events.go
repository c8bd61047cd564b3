// Package events is the events and control family: Event and EventTarget
// (with the global object made one), CustomEvent, ErrorEvent,
// PromiseRejectionEvent, AbortController and AbortSignal, MessageChannel,
// MessagePort and MessageEvent, and reportError. It is all JS; there are no
// Go ops, since dispatching an event only moves references between JS
// objects.
package events

import (
	_ "embed"

	"github.com/worky-dev/worky/runtime"
)

//go:embed events.js
var js string

// Extension returns the events family. Its JS installs the globals and
// provides "abort" (what streams and fetch need of AbortSignal) and
// "events" (dispatching, trusted events, reporting exceptions) to the
// families installed after it. setTimeout, structuredClone and
// performance.now come from the timers and globals families, looked up
// when first needed, so those may come later in the list.
func Extension() *runtime.Extension {
	return &runtime.Extension{
		Name: "events",
		Deps: []string{"webidl", "dom"},
		JS:   []runtime.Script{{Name: "ext:events/events.js", Source: js}},
	}
}
