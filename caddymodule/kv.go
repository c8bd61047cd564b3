package caddymodule

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/caddyserver/caddy/v2"

	"github.com/worky-dev/worky/kv"
)

// DefaultKVCache is the size of the KV cache when kv_cache is not set:
// 64 MiB.
const DefaultKVCache = 64 << 20

// DefaultKVPath is the KV database file when kv_path is not set:
// worky/kv.db in Caddy's data directory. `worky kv` uses the same default.
func DefaultKVPath() string {
	return filepath.Join(caddy.AppDataDir(), "worky", "kv.db")
}

// The open KV stores, shared by every config that names the same
// database, so that a reload does not reopen it (nor drop its cache).
// kvDBs holds the SQLite stores by absolute path; kvCaches holds the
// caches in front of them by path and cache size, each holding one use of
// its database. A reload that changes kv_cache gets a new cache over the
// same database; one that changes kv_path opens the new database, and the
// old one closes with its last user.
//
// Users of a cache are the App of each loaded config (for the admin API)
// and every worker with a KV binding (through its kvSwap), so a store
// stays open for as long as an isolate may still reach it.
var (
	kvDBs    = caddy.NewUsagePool()
	kvCaches = caddy.NewUsagePool()
)

// kvDB is an open SQLite store, as kvDBs holds it.
type kvDB struct{ db *kv.SQLite }

func (d *kvDB) Destruct() error { return d.db.Close() }

// kvCache is a cache over a kvDB, as kvCaches holds it.
type kvCache struct {
	store *kv.Cached
	path  string // of the kvDB it holds a use of
}

func (c *kvCache) Destruct() error {
	err := c.store.Close()
	if _, derr := kvDBs.Delete(c.path); err == nil {
		err = derr
	}
	return err
}

// openKV returns the store for the database at path (absolute) behind a
// cache of cacheSize bytes, opening what is not open yet. The returned key
// must be released with releaseKV. Errors name the path.
func openKV(path string, cacheSize int64) (kv.Store, string, error) {
	key := path + "\x00" + strconv.FormatInt(cacheSize, 10)
	val, _, err := kvCaches.LoadOrNew(key, func() (caddy.Destructor, error) {
		dbVal, _, err := kvDBs.LoadOrNew(path, func() (caddy.Destructor, error) {
			if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
				return nil, fmt.Errorf("creating the folder of KV database %s: %w", path, err)
			}
			db, err := kv.OpenSQLite(path, kv.SQLiteOptions{})
			if err != nil {
				return nil, err // it names the path
			}
			return &kvDB{db: db}, nil
		})
		if err != nil {
			return nil, err
		}
		// The database is shared by every cache over it: closing this
		// cache must leave it open (kvDBs closes it).
		cached, err := kv.NewCached(unclosed{dbVal.(*kvDB).db}, cacheSize)
		if err != nil {
			kvDBs.Delete(path)
			return nil, fmt.Errorf("KV cache for %s: %w", path, err)
		}
		return &kvCache{store: cached, path: path}, nil
	})
	if err != nil {
		return nil, "", err
	}
	return val.(*kvCache).store, key, nil
}

// unclosed is a store whose Close leaves it open.
type unclosed struct{ kv.Store }

func (unclosed) Close() error { return nil }

// releaseKV gives up one use of a store openKV returned.
func releaseKV(key string) error {
	_, err := kvCaches.Delete(key)
	return err
}

// kvSwap is the store a worker's isolates see, as Config.Resources["kv"].
// It forwards to the store of the config that uses the worker: a warm
// worker reused by a config whose kv_path differs is pointed at the new
// store when that config starts (the pool key leaves resources out, so
// the isolates stay warm). It holds one use of the store it forwards to.
type kvSwap struct {
	mu  sync.Mutex
	key string // "" once released
	cur atomic.Pointer[kvRef]
}

type kvRef struct{ kv.Store }

// use points s at the store for path and cacheSize, opening it if need
// be, and gives up s's use of the previous one.
func (s *kvSwap) use(path string, cacheSize int64) error {
	store, key, err := openKV(path, cacheSize)
	if err != nil {
		return err
	}
	s.mu.Lock()
	old := s.key
	s.key = key
	s.cur.Store(&kvRef{store})
	s.mu.Unlock()
	if old == "" {
		return nil
	}
	return releaseKV(old)
}

// release gives up s's use of its store; the worker is done with it.
func (s *kvSwap) release() error {
	s.mu.Lock()
	old := s.key
	s.key = ""
	s.mu.Unlock()
	if old == "" {
		return nil
	}
	return releaseKV(old)
}

func (s *kvSwap) store() kv.Store { return s.cur.Load().Store }

// Get implements kv.Store.
func (s *kvSwap) Get(ctx context.Context, ns, key string, opts kv.GetOptions) (*kv.Entry, kv.CacheStatus, error) {
	return s.store().Get(ctx, ns, key, opts)
}

// Put implements kv.Store.
func (s *kvSwap) Put(ctx context.Context, ns, key string, e kv.Entry) error {
	return s.store().Put(ctx, ns, key, e)
}

// Delete implements kv.Store.
func (s *kvSwap) Delete(ctx context.Context, ns, key string) error {
	return s.store().Delete(ctx, ns, key)
}

// List implements kv.Store.
func (s *kvSwap) List(ctx context.Context, ns string, opts kv.ListOptions) (kv.ListResult, error) {
	return s.store().List(ctx, ns, opts)
}

// Namespaces implements kv.Store.
func (s *kvSwap) Namespaces(ctx context.Context) ([]string, error) {
	return s.store().Namespaces(ctx)
}

// Close does nothing: the store belongs to the usage pools, and the
// worker gives up its use when it is destroyed.
func (s *kvSwap) Close() error { return nil }

// Interface guards
var (
	_ kv.Store         = (*kvSwap)(nil)
	_ caddy.Destructor = (*kvDB)(nil)
	_ caddy.Destructor = (*kvCache)(nil)
)
