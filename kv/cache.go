package kv

import (
	"context"
	"encoding/binary"
	"errors"
	"hash/maphash"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/ristretto/v2"
)

// DefaultCacheTTL is how long a cached read may be served when
// GetOptions.CacheTTL is 0, as on Cloudflare.
const DefaultCacheTTL = 60 * time.Second

// itemOverhead is what a cached entry costs beyond its bytes: the Entry
// and cacheItem structs, ristretto's item and its map slot.
const itemOverhead = 160

// genStripes is the number of write counters (a power of two). A write
// bumps the counter of its key's stripe, which also turns the cached
// entries of the other keys in that stripe into misses: more stripes mean
// fewer needless misses, at 4 bytes each.
const genStripes = 1 << 16

// Cached puts a ristretto cache, bounded in bytes, in front of a Store. It
// caches values and absences. Writes through it are visible to the next
// read through it at once (read-your-writes on this node); a change made
// behind it (another node, the `worky kv` command) is seen once the cached
// entry is older than the reader's CacheTTL.
//
// A Put or Delete invalidates the key rather than caching the new value:
// ristretto applies a Set asynchronously, and two concurrent writes could
// otherwise leave the older value cached. Invalidation works through write
// counters checked on every hit: a reader notes its key's counter before it
// reads the store, the entry it caches carries that number, and a writer
// bumps the counter after its write is committed, so an entry read before
// a write can never be served after it, whatever order ristretto applies
// things in.
//
// Entries returned by Get are shared with the cache: callers must not
// modify them.
type Cached struct {
	store   Store
	cache   *ristretto.Cache[string, *cacheItem]
	maxItem int64
	seed    maphash.Seed
	gens    []atomic.Uint32
	now     func() time.Time // tests move it
}

// cacheItem is what the cache holds for one key.
type cacheItem struct {
	entry   *Entry // nil: the key is absent
	fetched int64  // Unix nanoseconds, taken before the store was read
	gen     uint32 // the key's write counter before the store was read
}

// NewCached wraps s in a cache holding at most maxBytes bytes of keys,
// values and metadata (plus a small per-entry overhead). A single entry
// larger than a sixteenth of maxBytes is not cached, so one large value
// cannot flush the cache. Closing the Cached closes s.
func NewCached(s Store, maxBytes int64) (*Cached, error) {
	if s == nil {
		return nil, errors.New("kv: NewCached needs a store")
	}
	if maxBytes <= 0 {
		return nil, errors.New("kv: the cache size must be more than 0 bytes")
	}
	// Ristretto wants about ten counters per entry it may hold; take an
	// average entry of 1 KiB.
	counters := min(max(maxBytes/1024*10, 1000), 1<<24)
	c, err := ristretto.NewCache(&ristretto.Config[string, *cacheItem]{
		NumCounters:        counters,
		MaxCost:            maxBytes,
		BufferItems:        64,
		IgnoreInternalCost: true, // itemOverhead counts it
	})
	if err != nil {
		return nil, err
	}
	return &Cached{
		store:   s,
		cache:   c,
		maxItem: maxBytes / 16,
		seed:    maphash.MakeSeed(),
		gens:    make([]atomic.Uint32, genStripes),
		now:     time.Now,
	}, nil
}

// cacheKey joins a namespace and a key without ambiguity: the namespace's
// length comes first.
func cacheKey(ns, key string) string {
	b := make([]byte, 0, binary.MaxVarintLen64+len(ns)+len(key))
	b = binary.AppendUvarint(b, uint64(len(ns)))
	b = append(b, ns...)
	b = append(b, key...)
	return string(b)
}

func (c *Cached) gen(k string) *atomic.Uint32 {
	return &c.gens[maphash.String(c.seed, k)&(genStripes-1)]
}

// Get implements Store. It answers from the cache when the entry there is
// younger than opts.CacheTTL, has not expired and no write on this node
// has touched its key since it was read; otherwise from the store.
func (c *Cached) Get(ctx context.Context, ns, key string, opts GetOptions) (*Entry, CacheStatus, error) {
	ttl := opts.CacheTTL
	if ttl <= 0 {
		ttl = DefaultCacheTTL
	}
	now := c.now()
	k := cacheKey(ns, key)
	g := c.gen(k)
	if it, ok := c.cache.Get(k); ok && it.gen == g.Load() &&
		now.UnixNano()-it.fetched <= int64(ttl) && it.live(now.Unix()) {
		return it.entry, CacheHit, nil
	}
	gen := g.Load()
	e, _, err := c.store.Get(ctx, ns, key, opts)
	if err != nil {
		return nil, CacheMiss, err
	}
	c.add(k, &cacheItem{entry: e, fetched: now.UnixNano(), gen: gen}, ttl, now)
	return e, CacheMiss, nil
}

func (it *cacheItem) live(now int64) bool {
	return it.entry == nil || it.entry.Expiration == 0 || it.entry.Expiration > now
}

// add caches it for at most ttl, and not past the entry's expiration.
func (c *Cached) add(k string, it *cacheItem, ttl time.Duration, now time.Time) {
	cost := int64(len(k) + itemOverhead)
	if e := it.entry; e != nil {
		cost += int64(len(e.Value) + len(e.Metadata))
		if e.Expiration != 0 {
			ttl = min(ttl, time.Unix(e.Expiration, 0).Sub(now))
		}
	}
	if cost > c.maxItem || ttl <= 0 {
		return
	}
	c.cache.SetWithTTL(k, it, cost, ttl)
}

// invalidate makes every entry cached for k (and its stripe) a miss from
// now on, then frees its memory.
func (c *Cached) invalidate(k string) {
	c.gen(k).Add(1)
	c.cache.Del(k)
}

// Put implements Store; the next Get through c sees the new value.
func (c *Cached) Put(ctx context.Context, ns, key string, e Entry) error {
	err := c.store.Put(ctx, ns, key, e)
	if !errors.Is(err, ErrInvalid) {
		// Also on other errors: the write may have happened.
		c.invalidate(cacheKey(ns, key))
	}
	return err
}

// Delete implements Store; the next Get through c sees the key absent.
func (c *Cached) Delete(ctx context.Context, ns, key string) error {
	err := c.store.Delete(ctx, ns, key)
	if !errors.Is(err, ErrInvalid) {
		c.invalidate(cacheKey(ns, key))
	}
	return err
}

// List implements Store; lists are not cached.
func (c *Cached) List(ctx context.Context, ns string, opts ListOptions) (ListResult, error) {
	return c.store.List(ctx, ns, opts)
}

// Namespaces implements Store; it is not cached.
func (c *Cached) Namespaces(ctx context.Context) ([]string, error) {
	return c.store.Namespaces(ctx)
}

// Close implements Store: it drops the cache and closes the wrapped store.
func (c *Cached) Close() error {
	c.cache.Close()
	return c.store.Close()
}

var _ Store = (*Cached)(nil)
