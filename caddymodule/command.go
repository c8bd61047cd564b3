package caddymodule

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	caddycmd "github.com/caddyserver/caddy/v2/cmd"
	"github.com/spf13/cobra"

	"github.com/worky-dev/worky/kv"
)

// The kv command is registered here, not in cmd/worky, as Caddy's own
// modules register theirs (reverse_proxy's reverse-proxy command, say):
// every Caddy built with this package, xcaddy builds included, has it.
func init() {
	caddycmd.RegisterCommand(caddycmd.Command{
		Name:  "kv",
		Usage: "<command> [--db <path>]",
		Short: "Reads and writes Worky's KV namespaces",
		Long: `
Reads and writes the KV database that the worky handler's kv bindings use,
one SQLite file holding every namespace.

--db names the database file; it defaults to the default of the kv_path
global option: worky/kv.db in Caddy's data directory. put and bulk put
create the file if need be; the other commands refuse a file that does
not exist (it is likely the wrong path).

The server caches what it reads: a change made with this command while
Caddy runs reaches a worker once its cached copy is older than the
cacheTtl of its reads (60 seconds by default). The admin API
(/worky/kv/ on Caddy's admin endpoint) writes through the running server's
cache instead, and is seen at once.
`,
		CobraFunc: setupKVCommand,
	})
}

// setupKVCommand adds the kv subcommands to cmd.
func setupKVCommand(cmd *cobra.Command) {
	cmd.PersistentFlags().String("db", "", "KV database file (default: kv_path's default, "+DefaultKVPath()+")")

	cmd.AddCommand(&cobra.Command{
		Use:   "namespaces",
		Short: "Lists the namespaces that hold keys, one a line",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, false, func(ctx context.Context, s kv.Store) error {
				names, err := s.Namespaces(ctx)
				if err != nil {
					return err
				}
				for _, n := range names {
					fmt.Fprintln(cmd.OutOrStdout(), n)
				}
				return nil
			})
		},
	})

	cmd.AddCommand(&cobra.Command{
		Use:   "get <namespace> <key>",
		Short: "Writes a key's value to stdout",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ns, key := args[0], args[1]
			if err := checkNamespaceKey(ns, key); err != nil {
				return err
			}
			return withStore(cmd, false, func(ctx context.Context, s kv.Store) error {
				e, _, err := s.Get(ctx, ns, key, kv.GetOptions{})
				if err != nil {
					return err
				}
				if e == nil {
					return fmt.Errorf("key %q not found in namespace %q", key, ns)
				}
				_, err = cmd.OutOrStdout().Write(e.Value)
				return err
			})
		},
	})

	put := &cobra.Command{
		Use:   "put <namespace> <key> <value>",
		Short: "Stores a value (- reads it from stdin)",
		Long: `
Stores value under key in namespace, replacing what was there. A value of -
is read from stdin. --ttl makes the key expire that many seconds from now
(at least 60); --metadata attaches a JSON value (at most 1024 bytes) that
list and getWithMetadata return.
`,
		Args: cobra.ExactArgs(3),
		RunE: runPut,
	}
	put.Flags().Int64("ttl", 0, "seconds until the key expires (at least 60)")
	put.Flags().String("metadata", "", "JSON metadata to store with the key")
	cmd.AddCommand(put)

	cmd.AddCommand(&cobra.Command{
		Use:   "delete <namespace> <key>",
		Short: "Deletes a key (an absent key is not an error)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ns, key := args[0], args[1]
			if err := checkNamespaceKey(ns, key); err != nil {
				return err
			}
			return withStore(cmd, false, func(ctx context.Context, s kv.Store) error {
				return s.Delete(ctx, ns, key)
			})
		},
	})

	list := &cobra.Command{
		Use:   "list <namespace>",
		Short: "Lists keys, with expiration and metadata, as JSON",
		Long: `
Prints the namespace's keys in key order as a JSON array of
{"name", "expiration", "metadata"} objects (the last two only when set).
--prefix keeps the keys that start with it; --limit stops after that many
(0, the default, lists them all).
`,
		Args: cobra.ExactArgs(1),
		RunE: runList,
	}
	list.Flags().String("prefix", "", "list only keys that start with this")
	list.Flags().Int("limit", 0, "list at most this many keys (0: all)")
	cmd.AddCommand(list)

	bulk := &cobra.Command{
		Use:   "bulk",
		Short: "Writes or deletes many keys from a JSON file in wrangler's format",
	}
	bulk.AddCommand(&cobra.Command{
		Use:   "put <namespace> <file.json>",
		Short: "Stores the entries of a JSON file (- reads stdin)",
		Long: `
Stores every entry of a JSON array in wrangler's bulk format:

  [{"key": "k", "value": "v", "expiration": 1900000000,
    "expiration_ttl": 3600, "metadata": {...}, "base64": false}, ...]

key and value are required; value is a string, decoded from base64 when
base64 is true. expiration (Unix seconds) and expiration_ttl (seconds from
now) are optional, one or the other. Every entry is checked first: if one
is wrong, the error names it and nothing is written. A key given twice
gets its last value.
`,
		Args: cobra.ExactArgs(2),
		RunE: runBulkPut,
	})
	bulk.AddCommand(&cobra.Command{
		Use:   "delete <namespace> <file.json>",
		Short: "Deletes the keys a JSON array of strings lists (- reads stdin)",
		Long: `
Deletes every key of a JSON array of strings, wrangler's bulk delete
format: ["key1", "key2", ...]. Every key is checked first: if one is
wrong, the error names it and nothing is deleted.
`,
		Args: cobra.ExactArgs(2),
		RunE: runBulkDelete,
	})
	cmd.AddCommand(bulk)
}

func runPut(cmd *cobra.Command, args []string) error {
	ns, key, arg := args[0], args[1], args[2]
	if err := checkNamespaceKey(ns, key); err != nil {
		return err
	}
	now := time.Now().Unix()
	var e kv.Entry
	if cmd.Flags().Changed("ttl") {
		ttl, _ := cmd.Flags().GetInt64("ttl")
		exp, err := kv.ExpirationFromTTL(ttl, now)
		if err != nil {
			return fmt.Errorf("key %q: %w", key, err)
		}
		e.Expiration = exp
	}
	if cmd.Flags().Changed("metadata") {
		meta, _ := cmd.Flags().GetString("metadata")
		if !json.Valid([]byte(meta)) {
			return fmt.Errorf("key %q: --metadata is not valid JSON: %q", key, meta)
		}
		e.Metadata = []byte(meta)
	}
	if arg == "-" {
		value, err := io.ReadAll(io.LimitReader(cmd.InOrStdin(), kv.MaxValueSize+1))
		if err != nil {
			return fmt.Errorf("reading the value from stdin: %w", err)
		}
		e.Value = value
	} else {
		e.Value = []byte(arg)
	}
	if err := kv.ValidateEntry(e, now); err != nil {
		return fmt.Errorf("key %q: %w", key, err)
	}
	return withStore(cmd, true, func(ctx context.Context, s kv.Store) error {
		return s.Put(ctx, ns, key, e)
	})
}

func runList(cmd *cobra.Command, args []string) error {
	ns := args[0]
	if err := checkNamespace(ns); err != nil {
		return err
	}
	prefix, _ := cmd.Flags().GetString("prefix")
	limit, _ := cmd.Flags().GetInt("limit")
	if limit < 0 {
		return fmt.Errorf("--limit must not be negative, got %d", limit)
	}
	return withStore(cmd, false, func(ctx context.Context, s kv.Store) error {
		keys := []kvListKey{}
		cursor := ""
		for {
			page := kv.MaxListLimit
			if limit > 0 && limit-len(keys) < page {
				page = limit - len(keys)
			}
			res, err := s.List(ctx, ns, kv.ListOptions{Prefix: prefix, Limit: page, Cursor: cursor})
			if err != nil {
				return err
			}
			for _, k := range res.Keys {
				keys = append(keys, kvListKey{Name: k.Name, Expiration: k.Expiration, Metadata: k.Metadata})
			}
			if res.Complete || (limit > 0 && len(keys) >= limit) {
				break
			}
			cursor = res.Cursor
		}
		enc := json.NewEncoder(cmd.OutOrStdout())
		enc.SetIndent("", "  ")
		return enc.Encode(keys)
	})
}

// bulkEntry is one entry of a `bulk put` file, in wrangler's format.
type bulkEntry struct {
	Key           *string         `json:"key"`
	Value         *string         `json:"value"`
	Expiration    int64           `json:"expiration"`
	ExpirationTTL int64           `json:"expiration_ttl"`
	Metadata      json.RawMessage `json:"metadata"`
	Base64        bool            `json:"base64"`
}

func runBulkPut(cmd *cobra.Command, args []string) error {
	ns, file := args[0], args[1]
	if err := checkNamespace(ns); err != nil {
		return err
	}
	raw, err := readBulkFile(cmd, file)
	if err != nil {
		return err
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return fmt.Errorf("%s: want a JSON array of {\"key\", \"value\", ...} objects: %w", file, err)
	}
	now := time.Now().Unix()
	entries := map[string]kv.Entry{}
	var order []string // keys in their last position, so the last value wins
	for i, item := range items {
		key, e, err := parseBulkEntry(item, now)
		if err != nil {
			return fmt.Errorf("%s: entry %d%s", file, i, err)
		}
		if _, dup := entries[key]; !dup {
			order = append(order, key)
		}
		entries[key] = e
	}
	err = withStore(cmd, true, func(ctx context.Context, s kv.Store) error {
		return forEach(order, func(key string) error {
			if err := s.Put(ctx, ns, key, entries[key]); err != nil {
				return fmt.Errorf("key %q: %w", key, err)
			}
			return nil
		})
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "put %d keys in namespace %s\n", len(order), ns)
	return nil
}

// parseBulkEntry decodes and checks one entry of a bulk put file. Its
// errors start with what follows "entry N" in the message.
func parseBulkEntry(item json.RawMessage, now int64) (string, kv.Entry, error) {
	var b bulkEntry
	dec := json.NewDecoder(strings.NewReader(string(item)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return "", kv.Entry{}, fmt.Errorf(": want an object with \"key\" and \"value\" strings: %w", err)
	}
	if b.Key == nil {
		return "", kv.Entry{}, errors.New(`: "key" is missing`)
	}
	key := *b.Key
	fail := func(format string, args ...any) (string, kv.Entry, error) {
		return "", kv.Entry{}, fmt.Errorf(" (key %q): %s", key, fmt.Sprintf(format, args...))
	}
	if err := kv.ValidateKey(key); err != nil {
		return fail("%v", err)
	}
	if b.Value == nil {
		return fail(`"value" is missing`)
	}
	var e kv.Entry
	if b.Base64 {
		v, err := base64.StdEncoding.DecodeString(*b.Value)
		if err != nil {
			return fail(`"value" is not valid base64: %v`, err)
		}
		e.Value = v
	} else {
		e.Value = []byte(*b.Value)
	}
	switch {
	case b.Expiration != 0 && b.ExpirationTTL != 0:
		return fail(`give "expiration" or "expiration_ttl", not both`)
	case b.ExpirationTTL != 0:
		exp, err := kv.ExpirationFromTTL(b.ExpirationTTL, now)
		if err != nil {
			return fail("%v", err)
		}
		e.Expiration = exp
	default:
		e.Expiration = b.Expiration
	}
	if len(b.Metadata) > 0 && string(b.Metadata) != "null" {
		e.Metadata = b.Metadata
	}
	if err := kv.ValidateEntry(e, now); err != nil {
		return fail("%v", err)
	}
	return key, e, nil
}

func runBulkDelete(cmd *cobra.Command, args []string) error {
	ns, file := args[0], args[1]
	if err := checkNamespace(ns); err != nil {
		return err
	}
	raw, err := readBulkFile(cmd, file)
	if err != nil {
		return err
	}
	var keys []string
	if err := json.Unmarshal(raw, &keys); err != nil {
		return fmt.Errorf("%s: want a JSON array of key strings: %w", file, err)
	}
	seen := map[string]bool{}
	var unique []string
	for i, key := range keys {
		if err := kv.ValidateKey(key); err != nil {
			return fmt.Errorf("%s: entry %d (key %q): %w", file, i, key, err)
		}
		if !seen[key] {
			seen[key] = true
			unique = append(unique, key)
		}
	}
	err = withStore(cmd, false, func(ctx context.Context, s kv.Store) error {
		return forEach(unique, func(key string) error {
			if err := s.Delete(ctx, ns, key); err != nil {
				return fmt.Errorf("key %q: %w", key, err)
			}
			return nil
		})
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "deleted %d keys from namespace %s\n", len(unique), ns)
	return nil
}

// readBulkFile reads a bulk file, or stdin for "-".
func readBulkFile(cmd *cobra.Command, file string) ([]byte, error) {
	if file == "-" {
		b, err := io.ReadAll(cmd.InOrStdin())
		if err != nil {
			return nil, fmt.Errorf("reading stdin: %w", err)
		}
		return b, nil
	}
	return os.ReadFile(file)
}

// bulkWriters is how many writes a bulk command keeps in flight: the
// store groups concurrent writes into one transaction (one fsync), so a
// bulk put of thousands of keys costs tens of commits, not thousands.
const bulkWriters = 64

// forEach runs fn for every key, bulkWriters at a time, and returns the
// first error.
func forEach(keys []string, fn func(string) error) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		next  = make(chan string)
	)
	for range min(bulkWriters, len(keys)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for key := range next {
				if err := fn(key); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	for _, key := range keys {
		next <- key
	}
	close(next)
	wg.Wait()
	return first
}

// checkNamespace applies the rule the worky handler applies to the
// namespaces of kv bindings: not empty, and no "/" (a namespace is one
// path segment of the admin routes).
func checkNamespace(ns string) error {
	switch {
	case ns == "":
		return errors.New("the namespace must not be empty")
	case strings.Contains(ns, "/"):
		return fmt.Errorf("namespace %q must not contain \"/\"", ns)
	}
	return nil
}

func checkNamespaceKey(ns, key string) error {
	if err := checkNamespace(ns); err != nil {
		return err
	}
	if err := kv.ValidateKey(key); err != nil {
		return fmt.Errorf("key %q: %w", key, err)
	}
	return nil
}

// withStore opens the database --db names (the default path otherwise)
// for fn, and closes it. Unless create is true, a database that is not
// there is an error, not a new empty file.
func withStore(cmd *cobra.Command, create bool, fn func(context.Context, kv.Store) error) error {
	path, _ := cmd.Flags().GetString("db")
	if path == "" {
		path = DefaultKVPath()
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		if !create {
			return fmt.Errorf("no KV database at %s (give its path with --db; it is kv_path in the Caddyfile)", path)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return fmt.Errorf("creating the folder of KV database %s: %w", path, err)
		}
	}
	// A short-lived process: no background sweep of expired keys (they
	// are invisible anyway; the server sweeps them).
	s, err := kv.OpenSQLite(path, kv.SQLiteOptions{SweepInterval: -1})
	if err != nil {
		return err
	}
	err = fn(cmd.Context(), s)
	if cerr := s.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("closing KV database %s: %w", path, cerr)
	}
	return err
}
