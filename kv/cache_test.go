package kv

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// openCached opens an SQLite store on clk behind a cache of maxBytes, and
// returns both, so tests can also write behind the cache.
func openCached(t *testing.T, clk *clock, maxBytes int64) (*Cached, *SQLite) {
	t.Helper()
	s := openTest(t, clk)
	c, err := NewCached(s, maxBytes)
	if err != nil {
		t.Fatal(err)
	}
	c.now = clk.Now
	t.Cleanup(func() { c.cache.Close() })
	return c, s
}

// getWant reads ns/key through c and checks the value (absent if want is
// "<absent>") and the cache status.
func getWant(t *testing.T, c *Cached, key string, opts GetOptions, want string, status CacheStatus) {
	t.Helper()
	e, st, err := c.Get(context.Background(), "ns", key, opts)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	got := "<absent>"
	if e != nil {
		got = string(e.Value)
	}
	if got != want || st != status {
		t.Fatalf("Get(%q) = %q, %s; want %q, %s", key, got, st, want, status)
	}
}

func TestCacheHitMiss(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	c, _ := openCached(t, clk, 1<<20)
	if err := c.Put(ctx, "ns", "k", Entry{Value: []byte("v1"), Metadata: []byte(`{"m":1}`)}); err != nil {
		t.Fatal(err)
	}
	getWant(t, c, "k", GetOptions{}, "v1", CacheMiss)
	c.cache.Wait() // ristretto applies sets asynchronously
	getWant(t, c, "k", GetOptions{}, "v1", CacheHit)
	e, _, _ := c.Get(ctx, "ns", "k", GetOptions{})
	if string(e.Metadata) != `{"m":1}` {
		t.Errorf("cached metadata %q, want {\"m\":1}", e.Metadata)
	}
	// The same key in another namespace is another entry.
	if e, st, _ := c.Get(ctx, "ns2", "k", GetOptions{}); e != nil || st != CacheMiss {
		t.Errorf("Get(ns2/k) = %s, %s; want absent, MISS", entryString(e), st)
	}
}

func TestCacheAbsences(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	c, s := openCached(t, clk, 1<<20)
	getWant(t, c, "k", GetOptions{}, "<absent>", CacheMiss)
	c.cache.Wait()
	getWant(t, c, "k", GetOptions{}, "<absent>", CacheHit)

	// A write behind the cache is not seen while the absence is fresh...
	s.Put(ctx, "ns", "k", Entry{Value: []byte("behind")})
	getWant(t, c, "k", GetOptions{}, "<absent>", CacheHit)
	// ...but a Put through the cache is seen at once.
	if err := c.Put(ctx, "ns", "k", Entry{Value: []byte("v")}); err != nil {
		t.Fatal(err)
	}
	getWant(t, c, "k", GetOptions{}, "v", CacheMiss)
	c.cache.Wait()
	getWant(t, c, "k", GetOptions{}, "v", CacheHit)
	// And a Delete likewise.
	if err := c.Delete(ctx, "ns", "k"); err != nil {
		t.Fatal(err)
	}
	getWant(t, c, "k", GetOptions{}, "<absent>", CacheMiss)
	c.cache.Wait()
	getWant(t, c, "k", GetOptions{}, "<absent>", CacheHit)
}

func TestCacheTTL(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	c, s := openCached(t, clk, 1<<20)
	c.Put(ctx, "ns", "k", Entry{Value: []byte("old")})
	getWant(t, c, "k", GetOptions{}, "old", CacheMiss)
	c.cache.Wait()
	s.Put(ctx, "ns", "k", Entry{Value: []byte("new")}) // behind the cache

	clk.Advance(59 * time.Second)
	getWant(t, c, "k", GetOptions{}, "old", CacheHit)
	getWant(t, c, "k", GetOptions{CacheTTL: 10 * time.Second}, "new", CacheMiss)
	c.cache.Wait()
	s.Put(ctx, "ns", "k", Entry{Value: []byte("newer")})
	clk.Advance(10 * time.Second)
	getWant(t, c, "k", GetOptions{CacheTTL: 10 * time.Second}, "new", CacheHit)
	clk.Advance(time.Second)
	getWant(t, c, "k", GetOptions{CacheTTL: 10 * time.Second}, "newer", CacheMiss)
	c.cache.Wait()
	clk.Advance(DefaultCacheTTL + time.Second)
	getWant(t, c, "k", GetOptions{CacheTTL: time.Hour}, "newer", CacheHit)
	getWant(t, c, "k", GetOptions{}, "newer", CacheMiss)
}

func TestCacheNeverServesExpired(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	c, _ := openCached(t, clk, 1<<20)
	c.Put(ctx, "ns", "k", Entry{Value: []byte("v"), Expiration: clk.Unix() + 120})
	opts := GetOptions{CacheTTL: time.Hour}
	getWant(t, c, "k", opts, "v", CacheMiss)
	c.cache.Wait()
	clk.Advance(119 * time.Second)
	getWant(t, c, "k", opts, "v", CacheHit)
	clk.Advance(time.Second)
	getWant(t, c, "k", opts, "<absent>", CacheMiss)
}

func TestCacheReadYourWrites(t *testing.T) {
	// Writers each own some keys and read each write back at once, while
	// readers keep filling the cache with what they read, so that stale
	// entries race to be cached just as a write lands.
	ctx := context.Background()
	c, _ := openCached(t, newClock(), 1<<20)
	const writers, keysEach, rounds = 8, 4, 60
	var stop atomic.Bool
	var readers sync.WaitGroup
	for r := range 4 {
		readers.Go(func() {
			for i := 0; !stop.Load(); i++ {
				k := fmt.Sprintf("w%d-%d", (i+r)%writers, i%keysEach)
				if _, _, err := c.Get(ctx, "ns", k, GetOptions{CacheTTL: time.Hour}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for round := range rounds {
				for i := range keysEach {
					k := fmt.Sprintf("w%d-%d", w, i)
					v := fmt.Sprintf("round %d", round)
					var err error
					if round%5 == 4 {
						err = c.Delete(ctx, "ns", k)
						v = "<absent>"
					} else {
						err = c.Put(ctx, "ns", k, Entry{Value: []byte(v)})
					}
					if err != nil {
						t.Error(err)
						return
					}
					for range 3 {
						e, _, err := c.Get(ctx, "ns", k, GetOptions{CacheTTL: time.Hour})
						got := "<absent>"
						if e != nil {
							got = string(e.Value)
						}
						if err != nil || got != v {
							t.Errorf("after writing %s = %q, read %q (%v)", k, v, got, err)
							return
						}
					}
				}
			}
		})
	}
	wg.Wait()
	stop.Store(true)
	readers.Wait()
}

// pausedStore is a real store whose Get can be held after it has read,
// to replay one interleaving exactly.
type pausedStore struct {
	Store
	read, release chan struct{} // nil: Get does not pause
}

func (p *pausedStore) Get(ctx context.Context, ns, key string, opts GetOptions) (*Entry, CacheStatus, error) {
	e, st, err := p.Store.Get(ctx, ns, key, opts)
	if p.read != nil {
		p.read <- struct{}{}
		<-p.release
	}
	return e, st, err
}

func TestCacheStaleReadRacingAWrite(t *testing.T) {
	// A reader reads the old value from the store; a write lands and
	// returns; only then does the reader put what it read into the cache.
	// The next read must still see the write.
	ctx := context.Background()
	clk := newClock()
	ps := &pausedStore{Store: openTest(t, clk)}
	c, err := NewCached(ps, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	defer c.cache.Close()
	c.now = clk.Now
	for _, tc := range []struct {
		name, key string
		old       *Entry
		write     func(key string) error
		want      string
	}{
		{"put over a value", "k1", &Entry{Value: []byte("old")},
			func(k string) error { return c.Put(ctx, "ns", k, Entry{Value: []byte("new")}) }, "new"},
		{"put over an absence", "k2", nil,
			func(k string) error { return c.Put(ctx, "ns", k, Entry{Value: []byte("new")}) }, "new"},
		{"delete", "k3", &Entry{Value: []byte("old")},
			func(k string) error { return c.Delete(ctx, "ns", k) }, "<absent>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := tc.key
			if tc.old != nil {
				ps.Store.Put(ctx, "ns", key, *tc.old)
			}
			ps.read, ps.release = make(chan struct{}), make(chan struct{})
			done := make(chan struct{})
			go func() {
				defer close(done)
				c.Get(ctx, "ns", key, GetOptions{CacheTTL: time.Hour})
			}()
			<-ps.read // the reader holds the old state
			ps.read = nil
			if err := tc.write(key); err != nil {
				t.Fatal(err)
			}
			close(ps.release)
			<-done
			c.cache.Wait() // the stale set has landed, if it was made
			getWant(t, c, key, GetOptions{CacheTTL: time.Hour}, tc.want, CacheMiss)
		})
	}
}

func TestCacheSizeBound(t *testing.T) {
	ctx := context.Background()
	const maxBytes = 256 << 10
	c, s := openCached(t, newClock(), maxBytes)
	value := strings.Repeat("v", 1000)
	const n = 2000 // about 2.3 MB of entries for a 256 KiB cache
	for i := range n {
		k := fmt.Sprintf("key%05d", i)
		s.Put(ctx, "ns", k, Entry{Value: []byte(value)})
		for range 2 { // twice, so the admission policy sees some use
			if _, _, err := c.Get(ctx, "ns", k, GetOptions{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	c.cache.Wait()
	var count, bytes int64
	c.cache.IterValues(func(it *cacheItem) bool {
		count++
		bytes += int64(len(it.entry.Value) + len(it.entry.Metadata) + itemOverhead + len(cacheKey("ns", "key00000")))
		return false
	})
	if bytes > maxBytes {
		t.Errorf("the cache holds %d entries of %d bytes in all, more than its %d", count, bytes, maxBytes)
	}
	if used := c.cache.MaxCost() - c.cache.RemainingCost(); used > maxBytes {
		t.Errorf("ristretto counts %d bytes used, more than %d", used, maxBytes)
	}
	if count == 0 || count >= n {
		t.Errorf("the cache holds %d of %d entries; want some, not all", count, n)
	}

	// An entry larger than a sixteenth of the cache is never cached.
	big := make([]byte, maxBytes/16)
	c.Put(ctx, "ns", "big", Entry{Value: big})
	for range 3 {
		c.cache.Wait()
		if _, st, _ := c.Get(ctx, "ns", "big", GetOptions{}); st != CacheMiss {
			t.Fatalf("a %d-byte value was cached in a %d-byte cache", len(big), maxBytes)
		}
	}
}

func TestCachePassThrough(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	c, _ := openCached(t, clk, 1<<20)
	for _, k := range []string{"b", "a", "c"} {
		c.Put(ctx, "one", k, Entry{Value: []byte(k)})
	}
	c.Put(ctx, "two", "x", Entry{Value: []byte("x")})
	keys, _ := listAll(t, c, "one", "", 2)
	if !slices.Equal(keys, []string{"a", "b", "c"}) {
		t.Errorf("List through the cache = %q", keys)
	}
	names, err := c.Namespaces(ctx)
	if err != nil || !slices.Equal(names, []string{"one", "two"}) {
		t.Errorf("Namespaces through the cache = %q, %v", names, err)
	}
	err = c.Put(ctx, "one", "", Entry{})
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("Put of an empty key through the cache: %v, want ErrInvalid", err)
	}
	if _, err := NewCached(c, 0); err == nil {
		t.Errorf("NewCached with 0 bytes succeeded")
	}
	if err := c.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := c.Put(ctx, "one", "k", Entry{}); !errors.Is(err, errClosed) {
		t.Errorf("Put after Close: %v, want the store closed", err)
	}
}

func TestCacheKey(t *testing.T) {
	// A namespace and key split differently must not share an entry.
	if cacheKey("ab", "c") == cacheKey("a", "bc") || cacheKey("", "ab") == cacheKey("a", "b") {
		t.Error("cacheKey is ambiguous")
	}
}
