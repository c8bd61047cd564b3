// Package streams is the WHATWG Streams Standard: ReadableStream (default
// and byte streams), WritableStream, TransformStream and the queuing
// strategies. It is all JS (streams.js); request and response bodies in the
// fetch family build on the helpers it shares as core.use("streams").
package streams

import (
	_ "embed"

	"github.com/worky-dev/worky/runtime"
)

//go:embed streams.js
var streamsJS string

// Extension returns the streams family. It depends on no other family; it
// uses AbortSignal and AbortController (pipeTo's signal option,
// WritableStreamDefaultController.signal) when a later family defines them.
func Extension() *runtime.Extension {
	return &runtime.Extension{
		Name: "streams",
		JS:   []runtime.Script{{Name: "ext:streams/streams.js", Source: streamsJS}},
	}
}
