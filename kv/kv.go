// Package kv is Workers KV storage: namespaces of keys and values with
// optional expiration and metadata. The Store interface is small enough
// that a networked backend (PostgreSQL, Redis) can be added for several
// Caddy nodes without touching ops/ or caddymodule/. The SQLite store
// (sqlite.go, whose schema and version are documented there) is the
// single-node default; Cached (cache.go) puts a ristretto cache in front
// of any store.
//
// kv imports nothing of Worky's.
package kv

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Limits, as Cloudflare's KV sets them. ops/kv/kv.js states the same ones.
const (
	MaxKeySize       = 512      // bytes
	MaxValueSize     = 25 << 20 // bytes
	MaxMetadataSize  = 1024     // bytes of JSON
	MinExpirationTTL = 60       // seconds
	MaxListLimit     = 1000     // keys per list call, also the default
	MaxOpsPerRequest = 1000     // KV operations per request
)

// Entry is one stored value.
type Entry struct {
	Value []byte
	// Metadata is JSON text, nil when the key has none.
	Metadata []byte
	// Expiration is a Unix time in seconds, 0 for a key that never expires.
	Expiration int64
}

// GetOptions tune a read.
type GetOptions struct {
	// CacheTTL bounds how stale a cached read may be where a value could
	// change behind the cache (another node's write). 0 is the default,
	// 60 seconds.
	CacheTTL time.Duration
}

// CacheStatus says where a read was answered from, for getWithMetadata's
// cacheStatus: "HIT" from the cache, "MISS" from the store.
type CacheStatus string

// The cache statuses.
const (
	CacheHit  CacheStatus = "HIT"
	CacheMiss CacheStatus = "MISS"
)

// ListOptions select a page of keys.
type ListOptions struct {
	Prefix string
	// Limit is 1 to MaxListLimit; 0 means MaxListLimit.
	Limit int
	// Cursor continues a previous list; "" starts at the first key.
	Cursor string
}

// ListKey is one key of a list, without its value.
type ListKey struct {
	Name       string
	Expiration int64
	Metadata   []byte
}

// ListResult is one page of keys, in key order (bytewise).
type ListResult struct {
	Keys     []ListKey
	Complete bool
	// Cursor continues the list when Complete is false.
	Cursor string
}

// Store holds every namespace's keys. Implementations are safe for
// concurrent use. A key that has expired is absent at once, whether or not
// it has been swept yet. Put and Delete return once the change is durable.
type Store interface {
	// Get returns the entry, or nil if the key is absent or expired. The
	// entry may be shared (Cached hands out what it holds): callers must
	// not modify it.
	Get(ctx context.Context, ns, key string, opts GetOptions) (*Entry, CacheStatus, error)
	// Put stores e under key, replacing what was there.
	Put(ctx context.Context, ns, key string, e Entry) error
	// Delete removes key; deleting an absent key is not an error.
	Delete(ctx context.Context, ns, key string) error
	// List returns keys of ns in order, as selected by opts.
	List(ctx context.Context, ns string, opts ListOptions) (ListResult, error)
	// Namespaces returns the names of namespaces that hold keys, sorted.
	Namespaces(ctx context.Context) ([]string, error)
	// Close releases the store.
	Close() error
}

// ErrInvalid wraps every validation error, so callers can tell bad input
// (a TypeError in the worker, a 400 in the admin API) from a failing store.
var ErrInvalid = errors.New("invalid KV input")

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// ValidateKey checks a key against KV's rules.
func ValidateKey(key string) error {
	switch {
	case key == "":
		return invalid("key must not be empty")
	case key == "." || key == "..":
		return invalid("key must not be %q", key)
	case len(key) > MaxKeySize:
		return invalid("key is %d bytes long; the limit is %d", len(key), MaxKeySize)
	}
	return nil
}

// ValidateEntry checks a value, its metadata and its expiration. now is
// the current Unix time in seconds.
func ValidateEntry(e Entry, now int64) error {
	if len(e.Value) > MaxValueSize {
		return invalid("value is %d bytes long; the limit is %d (25 MiB)", len(e.Value), MaxValueSize)
	}
	if len(e.Metadata) > MaxMetadataSize {
		return invalid("metadata is %d bytes of JSON; the limit is %d", len(e.Metadata), MaxMetadataSize)
	}
	if e.Expiration != 0 && e.Expiration < now+MinExpirationTTL {
		return invalid("expiration %d is less than %d seconds in the future", e.Expiration, MinExpirationTTL)
	}
	return nil
}

// ExpirationFromTTL turns an expirationTtl in seconds into an expiration,
// checking the minimum.
func ExpirationFromTTL(ttl, now int64) (int64, error) {
	if ttl < MinExpirationTTL {
		return 0, invalid("expirationTtl %d is less than the minimum of %d seconds", ttl, MinExpirationTTL)
	}
	return now + ttl, nil
}
