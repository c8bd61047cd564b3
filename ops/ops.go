// Package ops lists the Web API families, in dependency order. It is the
// one place that wires them; the runtime installs them into every isolate.
package ops

import (
	"github.com/worky-dev/worky/ops/blob"
	"github.com/worky-dev/worky/ops/compression"
	"github.com/worky-dev/worky/ops/console"
	"github.com/worky-dev/worky/ops/crypto"
	"github.com/worky-dev/worky/ops/dom"
	"github.com/worky-dev/worky/ops/encoding"
	"github.com/worky-dev/worky/ops/events"
	"github.com/worky-dev/worky/ops/fetch"
	"github.com/worky-dev/worky/ops/globals"
	"github.com/worky-dev/worky/ops/kv"
	"github.com/worky-dev/worky/ops/streams"
	"github.com/worky-dev/worky/ops/timers"
	"github.com/worky-dev/worky/ops/url"
	"github.com/worky-dev/worky/ops/webidl"
	"github.com/worky-dev/worky/runtime"
)

// All returns every family, dependencies first.
func All() []*runtime.Extension {
	return []*runtime.Extension{
		webidl.Extension(),
		dom.Extension(),
		events.Extension(),
		console.Extension(),
		timers.Extension(),
		encoding.Extension(),
		crypto.Extension(),
		globals.Extension(),
		streams.Extension(),
		compression.Extension(),
		blob.Extension(),
		url.Extension(),
		fetch.Extension(),
		kv.Extension(),
	}
}
