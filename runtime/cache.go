package runtime

import (
	"crypto/sha256"
	"sync"
	"sync/atomic"

	v8 "github.com/tommie/v8go"
)

// codeCaches holds V8 code caches by script content, so the bootstrap, the
// extensions and each bundle are compiled once per process and every
// further isolate starts from the cache.
var codeCaches sync.Map // [32]byte -> *v8.CompilerCachedData

// cacheHits counts compilations that a code cache served.
var cacheHits atomic.Uint64

func compileCached(iso *v8.Isolate, name, source string) (*v8.UnboundScript, error) {
	key := sha256.Sum256([]byte(name + "\x00" + source))
	if c, ok := codeCaches.Load(key); ok {
		cd := c.(*v8.CompilerCachedData)
		s, err := iso.CompileUnboundScript(source, name, v8.CompileOptions{CachedData: &v8.CompilerCachedData{Bytes: cd.Bytes}})
		if err == nil {
			cacheHits.Add(1)
			return s, nil
		}
	}
	s, err := iso.CompileUnboundScript(source, name, v8.CompileOptions{})
	if err != nil {
		return nil, err
	}
	codeCaches.Store(key, s.CreateCodeCache())
	return s, nil
}
