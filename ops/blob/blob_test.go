package blob

import (
	"testing"

	"github.com/worky-dev/worky/ops/dom"
	"github.com/worky-dev/worky/ops/encoding"
	"github.com/worky-dev/worky/ops/opstest"
	"github.com/worky-dev/worky/ops/streams"
	"github.com/worky-dev/worky/ops/webidl"
	"github.com/worky-dev/worky/runtime"
)

func families() []*runtime.Extension {
	return []*runtime.Extension{
		webidl.Extension(),
		dom.Extension(),
		encoding.Extension(),
		streams.Extension(),
		Extension(),
		{
			// Test-only: the internals this family provides to fetch.
			Name: "blobprobe",
			Deps: []string{"blob"},
			JS:   []runtime.Script{{Name: "ext:blobprobe/probe.js", Source: `core.defineGlobal("blobInternals", core.use("blob"));`}},
		},
	}
}

func TestBlob(t *testing.T) { opstest.RunCases(t, families(), "testdata/blob.js") }
