package kv

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
)

const benchKeys = 10000

var benchValue = make([]byte, 100)

// benchStore opens a store holding benchKeys keys of 100 bytes.
func benchStore(b *testing.B, opts SQLiteOptions) *SQLite {
	b.Helper()
	s, err := OpenSQLite(filepath.Join(b.TempDir(), "kv.db"), opts)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	ctx := context.Background()
	var wg sync.WaitGroup
	for g := range 16 { // concurrently, so group commit makes this quick
		wg.Go(func() {
			for i := g; i < benchKeys; i += 16 {
				if err := s.Put(ctx, "bench", benchKey(i), Entry{Value: benchValue}); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	return s
}

func benchKey(i int) string { return fmt.Sprintf("key-%06d", i%benchKeys) }

func BenchmarkGetUncached(b *testing.B) {
	s := benchStore(b, SQLiteOptions{})
	ctx := context.Background()
	keys := make([]string, benchKeys)
	for i := range keys {
		keys[i] = benchKey(i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		e, _, err := s.Get(ctx, "bench", keys[i%benchKeys], GetOptions{})
		if err != nil || e == nil {
			b.Fatalf("Get: %v, %v", e, err)
		}
	}
}

func BenchmarkGetCached(b *testing.B) {
	s := benchStore(b, SQLiteOptions{})
	c, err := NewCached(s, 64<<20)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	keys := make([]string, benchKeys)
	for i := range keys {
		keys[i] = benchKey(i)
		c.Get(ctx, "bench", keys[i], GetOptions{})
	}
	c.cache.Wait()
	var misses int
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		e, st, err := c.Get(ctx, "bench", keys[i%benchKeys], GetOptions{})
		if err != nil || e == nil {
			b.Fatalf("Get: %v, %v", e, err)
		}
		if st == CacheMiss {
			misses++
		}
	}
	b.ReportMetric(float64(misses)/float64(b.N), "misses/op")
}

// syncModes runs a put benchmark with each durability setting.
func syncModes(b *testing.B, run func(b *testing.B, s *SQLite)) {
	for _, m := range []struct {
		name    string
		relaxed bool
	}{{"sync=full", false}, {"sync=normal", true}} {
		b.Run(m.name, func(b *testing.B) {
			s := benchStore(b, SQLiteOptions{RelaxedSync: m.relaxed})
			commits := s.commits.Load()
			b.ResetTimer()
			run(b, s)
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "puts/s")
			b.ReportMetric(float64(b.N)/float64(s.commits.Load()-commits), "puts/commit")
		})
	}
}

func BenchmarkPutSerial(b *testing.B) {
	syncModes(b, func(b *testing.B, s *SQLite) {
		ctx := context.Background()
		for i := range b.N {
			if err := s.Put(ctx, "bench", benchKey(i), Entry{Value: benchValue}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkPutConcurrent8(b *testing.B) {
	syncModes(b, func(b *testing.B, s *SQLite) {
		ctx := context.Background()
		var next atomic.Int64
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for {
					i := next.Add(1) - 1
					if i >= int64(b.N) {
						return
					}
					if err := s.Put(ctx, "bench", benchKey(int(i)), Entry{Value: benchValue}); err != nil {
						b.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
	})
}
