package kv

// The storage this package will be built on, imported now so that go.mod
// pins the versions the KV issue starts from: modernc.org/sqlite v1.60.0
// (the newest whose test-only dependencies the module proxy here serves;
// see DEVELOPERS.md) and ristretto v2. Replace these with real use.
import (
	_ "github.com/dgraph-io/ristretto/v2"
	_ "modernc.org/sqlite"
)
