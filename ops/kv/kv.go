// Package kv is the Workers KV binding: env.NAME.get, getWithMetadata,
// put, delete and list over a kv.Store that the host hands the runtime as
// Config.Resources["kv"]. JS (kv.js) does the WebIDL conversions, checks
// arguments with Cloudflare's messages and reads ReadableStream values;
// Go does the store calls, off the isolate's thread, one async op per KV
// operation, and counts the operations of each request.
//
// KV calls made outside a request (from Pool.Eval, or from a timer that
// outlived the request that set it) are allowed and not counted: there is
// no request to charge them to. Top-level code never reaches a namespace,
// since env is handed only to event handlers.
package kv

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	kvstore "github.com/worky-dev/worky/kv"
	"github.com/worky-dev/worky/runtime"
)

//go:embed kv.js
var js string

// ResourceName is the Config.Resources entry that holds the kv.Store.
const ResourceName = "kv"

// Extension returns the KV family. It registers the "kv" binding kind:
// runtime.Binding{Name: "MY_KV", Kind: "kv", Value: namespace} makes
// env.MY_KV a KVNamespace over that namespace (the binding's name when
// Value is empty).
func Extension() *runtime.Extension {
	return &runtime.Extension{
		Name: "kv",
		Deps: []string{"webidl", "streams"},
		JS:   []runtime.Script{{Name: "ext:kv/kv.js", Source: js}},
		Ops: []runtime.Op{
			{Name: "op_kv_get", Async: opKVGet},
			{Name: "op_kv_get_bulk", Async: opKVGetBulk},
			{Name: "op_kv_put", Async: opKVPut},
			{Name: "op_kv_delete", Async: opKVDelete},
			{Name: "op_kv_list", Async: opKVList},
		},
	}
}

// Value types of op_kv_get and op_kv_get_bulk; also kv.js: TYPE_*.
const (
	typeText = iota
	typeJSON
	typeArrayBuffer
	typeStream
)

// maxBulkKeys is how many keys one get of an array may ask for; also
// kv.js: MAX_BULK_KEYS.
const maxBulkKeys = 100

// opsKey is the per-request counter of KV operations.
type opsKey struct{}

// failure is an Error as Cloudflare words the failures of its KV service:
// "KV GET failed: 404 Not Found". status 0 leaves the status out.
func failure(method string, status int, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if status != 0 {
		msg = fmt.Sprintf("%d %s", status, msg)
	}
	return &runtime.JSError{Class: "Error", Message: "KV " + method + " failed: " + msg}
}

// begin starts one KV operation: it finds the store, checks the request's
// budget of operations and counts this one. The context is the request's
// (nil outside one: the caller picks).
func begin(c *runtime.Call, method string) (kvstore.Store, context.Context, error) {
	res := c.Isolate().Resource(ResourceName)
	if res == nil {
		return nil, nil, failure(method, 0, "no KV store is configured (the host set no Resources[%q])", ResourceName)
	}
	st, ok := res.(kvstore.Store)
	if !ok {
		return nil, nil, failure(method, 0, "Resources[%q] is a %T, not a kv.Store", ResourceName, res)
	}
	req := c.Request()
	if req == nil {
		return st, nil, nil
	}
	n, _ := req.Value(opsKey{}).(int)
	if n >= kvstore.MaxOpsPerRequest {
		return nil, nil, &runtime.JSError{Class: "Error", Message: fmt.Sprintf(
			"Too many API requests by single worker invocation: this request has used all %d of its KV operations (KV %s refused).",
			kvstore.MaxOpsPerRequest, method)}
	}
	req.SetValue(opsKey{}, n+1)
	return st, req.Context(), nil
}

// readContext is the context of a read: the request's, so that a read
// stops when its request is over.
func readContext(ctx context.Context) context.Context {
	if ctx == nil {
		return context.Background()
	}
	return ctx
}

// writeContext is the context of a write: a write the worker started is
// finished even if its request ends meanwhile, so that what the store
// holds does not depend on when the client went away.
func writeContext(ctx context.Context) context.Context {
	if ctx == nil {
		return context.Background()
	}
	return context.WithoutCancel(ctx)
}

// checkKey guards the store against a key kv.js should have refused.
func checkKey(method, key string) error {
	if err := kvstore.ValidateKey(key); err != nil {
		return failure(method, 400, "%v", err)
	}
	return nil
}

// storeError words an error of the store for the worker.
func storeError(method string, err error) error {
	if errors.Is(err, kvstore.ErrInvalid) {
		return failure(method, 400, "%v", err)
	}
	return failure(method, 0, "%v", err)
}

// cacheTTL reads the cacheTtl argument (seconds; undefined for the
// default), which kv.js has checked.
func cacheTTL(c *runtime.Call, i int) kvstore.GetOptions {
	if c.Arg(i).IsUndefined() {
		return kvstore.GetOptions{}
	}
	return kvstore.GetOptions{CacheTTL: time.Duration(c.Int(i)) * time.Second}
}

// cacheStatus is the JSON of a read's cacheStatus: null when the store
// does not say.
func cacheStatus(s kvstore.CacheStatus) json.RawMessage {
	if s == "" {
		return json.RawMessage("null")
	}
	b, _ := json.Marshal(string(s))
	return b
}

// opKVGet reads one key. Arguments: namespace, key, type (TYPE_*),
// cacheTtl (seconds or undefined), withMetadata.
//
// Without metadata the result is the text (text, json) or the bytes
// (arrayBuffer, stream), undefined for an absent key. With metadata it is
// JSON {"value", "metadata", "cacheStatus"} for text and json, and for an
// absent key of any type; for the byte types of a present key it is the
// value's bytes followed by a trailer: the same JSON without "value", in
// ASCII, then its length as a little-endian uint32 (kv.js: splitTrailer).
// So every form is one crossing, and bytes are not re-encoded.
func opKVGet(c *runtime.Call) (func() (any, error), error) {
	ns, key, typ := c.String(0), c.String(1), int(c.Int(2))
	opts := cacheTTL(c, 3)
	withMeta := c.Bool(4)
	if err := checkKey("GET", key); err != nil {
		return nil, err
	}
	st, ctx, err := begin(c, "GET")
	if err != nil {
		return nil, err
	}
	ctx = readContext(ctx)
	return func() (any, error) {
		e, status, err := st.Get(ctx, ns, key, opts)
		if err != nil {
			return nil, storeError("GET", err)
		}
		isBytes := typ == typeArrayBuffer || typ == typeStream
		if !withMeta {
			switch {
			case e == nil:
				return nil, nil
			case isBytes:
				return e.Value, nil
			}
			return decodeUTF8(e.Value), nil
		}
		meta := json.RawMessage("null")
		if e != nil && e.Metadata != nil {
			if !json.Valid(e.Metadata) {
				return nil, failure("GET", 500, "the metadata stored for key %q is not valid JSON", key)
			}
			meta = e.Metadata
		}
		if e != nil && isBytes {
			var b bytes.Buffer
			b.Grow(len(e.Value) + len(meta) + 48)
			b.Write(e.Value)
			start := b.Len()
			b.WriteString(`{"metadata":`)
			writeASCIIJSON(&b, meta)
			b.WriteString(`,"cacheStatus":`)
			b.Write(cacheStatus(status))
			b.WriteByte('}')
			b.Write(binary.LittleEndian.AppendUint32(nil, uint32(b.Len()-start)))
			return b.Bytes(), nil
		}
		var value any
		if e != nil {
			value = decodeUTF8(e.Value)
		}
		return marshal(struct {
			Value       any             `json:"value"`
			Metadata    json.RawMessage `json:"metadata"`
			CacheStatus json.RawMessage `json:"cacheStatus"`
		}{value, meta, cacheStatus(status)})
	}, nil
}

// opKVGetBulk reads up to maxBulkKeys keys as one operation. Arguments:
// namespace, the keys as a JSON array, type (text or json), cacheTtl,
// withMetadata. The result is a JSON array in the order of the keys: null
// for an absent key, else the value (text as a string, json parsed) or,
// with metadata, {"value", "metadata"}.
func opKVGetBulk(c *runtime.Call) (func() (any, error), error) {
	ns := c.String(0)
	var keys []string
	if err := json.Unmarshal([]byte(c.String(1)), &keys); err != nil {
		return nil, failure("GET_BULK", 400, "the keys are not a JSON array of strings: %v", err)
	}
	typ := int(c.Int(2))
	opts := cacheTTL(c, 3)
	withMeta := c.Bool(4)
	if typ != typeText && typ != typeJSON {
		return nil, failure("GET_BULK", 400, "only the text and json types can be read in bulk")
	}
	if len(keys) == 0 || len(keys) > maxBulkKeys {
		return nil, failure("GET_BULK", 400, "%d keys requested; the limit is 1 to %d", len(keys), maxBulkKeys)
	}
	for _, k := range keys {
		if err := checkKey("GET_BULK", k); err != nil {
			return nil, err
		}
	}
	st, ctx, err := begin(c, "GET_BULK")
	if err != nil {
		return nil, err
	}
	ctx = readContext(ctx)
	return func() (any, error) {
		type withMetadata struct {
			Value    any             `json:"value"`
			Metadata json.RawMessage `json:"metadata"`
		}
		out := make([]any, len(keys))
		total := 0
		for i, k := range keys {
			e, _, err := st.Get(ctx, ns, k, opts)
			if err != nil {
				return nil, storeError("GET_BULK", err)
			}
			if e == nil {
				continue
			}
			if total += len(e.Value); total > kvstore.MaxValueSize {
				return nil, failure("GET_BULK", 413, "Total size of request exceeds the limit of %dMB", kvstore.MaxValueSize>>20)
			}
			var value any
			if typ == typeJSON {
				if !json.Valid(e.Value) {
					return nil, failure("GET_BULK", 400, "At least one of the requested keys corresponds to a non-json value")
				}
				value = json.RawMessage(e.Value)
			} else {
				value = decodeUTF8(e.Value)
			}
			if !withMeta {
				out[i] = value
				continue
			}
			meta := json.RawMessage("null")
			if e.Metadata != nil {
				if !json.Valid(e.Metadata) {
					return nil, failure("GET_BULK", 500, "the metadata stored for key %q is not valid JSON", k)
				}
				meta = e.Metadata
			}
			out[i] = withMetadata{value, meta}
		}
		return marshal(out)
	}, nil
}

// opKVPut writes one key. Arguments: namespace, key, value (core.toGo
// bytes, or a string taken as UTF-8), expirationTtl (seconds or
// undefined), expiration (Unix seconds or undefined), metadata (JSON text
// or undefined). kv.js has checked the options with Cloudflare's
// messages; the value's size is checked here, where a string's UTF-8
// length is known for free, and kv.ValidateEntry guards the rest.
func opKVPut(c *runtime.Call) (func() (any, error), error) {
	ns, key := c.String(0), c.String(1)
	if err := checkKey("PUT", key); err != nil {
		return nil, err
	}
	value, err := c.Bytes(2)
	if err != nil {
		return nil, err
	}
	if len(value) > kvstore.MaxValueSize {
		// Also kv.js: valueTooLarge.
		return nil, failure("PUT", 413, "Value length of %d exceeds limit of %d.", len(value), kvstore.MaxValueSize)
	}
	e := kvstore.Entry{Value: value}
	now := time.Now().Unix()
	switch {
	case !c.Arg(3).IsUndefined():
		if e.Expiration, err = kvstore.ExpirationFromTTL(c.Int(3), now); err != nil {
			return nil, failure("PUT", 400, "%v", err)
		}
	case !c.Arg(4).IsUndefined():
		e.Expiration = c.Int(4)
	}
	if !c.Arg(5).IsUndefined() {
		e.Metadata = []byte(c.String(5))
	}
	if err := kvstore.ValidateEntry(e, now); err != nil {
		return nil, failure("PUT", 400, "%v", err)
	}
	st, ctx, err := begin(c, "PUT")
	if err != nil {
		return nil, err
	}
	ctx = writeContext(ctx)
	return func() (any, error) {
		if err := st.Put(ctx, ns, key, e); err != nil {
			return nil, storeError("PUT", err)
		}
		return nil, nil
	}, nil
}

// opKVDelete deletes one key. Arguments: namespace, key.
func opKVDelete(c *runtime.Call) (func() (any, error), error) {
	ns, key := c.String(0), c.String(1)
	if err := checkKey("DELETE", key); err != nil {
		return nil, err
	}
	st, ctx, err := begin(c, "DELETE")
	if err != nil {
		return nil, err
	}
	ctx = writeContext(ctx)
	return func() (any, error) {
		if err := st.Delete(ctx, ns, key); err != nil {
			return nil, storeError("DELETE", err)
		}
		return nil, nil
	}, nil
}

// listKey is one key of a list result as Cloudflare shapes it: expiration
// and metadata are left out when the key has none.
type listKey struct {
	Name       string          `json:"name"`
	Expiration int64           `json:"expiration,omitempty"`
	Metadata   json.RawMessage `json:"metadata,omitempty"`
}

// opKVList lists keys. Arguments: namespace, prefix, limit (1 to 1000),
// cursor ("" for the first page). The result is JSON {"keys",
// "list_complete", "cursor" (only when the list is not complete),
// "cacheStatus"}.
func opKVList(c *runtime.Call) (func() (any, error), error) {
	ns := c.String(0)
	opts := kvstore.ListOptions{Prefix: c.String(1), Limit: int(c.Int(2)), Cursor: c.String(3)}
	if opts.Limit < 1 || opts.Limit > kvstore.MaxListLimit {
		return nil, failure("GET", 400, "Invalid key_count_limit of %d. Please specify an integer from 1 to %d.", opts.Limit, kvstore.MaxListLimit)
	}
	st, ctx, err := begin(c, "GET")
	if err != nil {
		return nil, err
	}
	ctx = readContext(ctx)
	return func() (any, error) {
		res, err := st.List(ctx, ns, opts)
		if err != nil {
			return nil, storeError("GET", err)
		}
		keys := make([]listKey, len(res.Keys))
		for i, k := range res.Keys {
			keys[i] = listKey{Name: k.Name, Expiration: k.Expiration}
			if k.Metadata != nil {
				if !json.Valid(k.Metadata) {
					return nil, failure("GET", 500, "the metadata stored for key %q is not valid JSON", k.Name)
				}
				keys[i].Metadata = k.Metadata
			}
		}
		out := struct {
			Keys         []listKey       `json:"keys"`
			ListComplete bool            `json:"list_complete"`
			Cursor       string          `json:"cursor,omitempty"`
			CacheStatus  json.RawMessage `json:"cacheStatus"`
		}{keys, res.Complete, "", json.RawMessage("null")}
		if !res.Complete {
			out.Cursor = res.Cursor
		}
		return marshal(out)
	}, nil
}

// marshal encodes v as JSON for JS to parse, without HTML escaping.
func marshal(v any) (any, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return runtime.JSON(bytes.TrimSuffix(b.Bytes(), []byte("\n"))), nil
}

// writeASCIIJSON writes valid JSON text with every non-ASCII character
// escaped as \uXXXX (which, in valid JSON, only occur inside strings), so
// that JS can read it without a UTF-8 decoder.
func writeASCIIJSON(b *bytes.Buffer, j []byte) {
	for i := 0; i < len(j); {
		c := j[i]
		if c < utf8.RuneSelf {
			b.WriteByte(c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(j[i:])
		i += size
		if r >= 0x10000 {
			r -= 0x10000
			fmt.Fprintf(b, `\u%04x\u%04x`, 0xD800+(r>>10), 0xDC00+(r&0x3FF))
		} else {
			fmt.Fprintf(b, `\u%04x`, r)
		}
	}
}

// decodeUTF8 turns a stored value into text as the WHATWG UTF-8 decoder
// (TextDecoder) does: each maximal invalid subpart becomes one U+FFFD.
func decodeUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var s strings.Builder
	s.Grow(len(b) + 8)
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			s.WriteByte(b[i])
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError || size > 1 {
			s.Write(b[i : i+size])
			i += size
			continue
		}
		s.WriteRune(utf8.RuneError)
		i += maximalSubpart(b[i:])
	}
	return s.String()
}

// maximalSubpart returns the length of the invalid sequence at the start
// of b that one U+FFFD replaces: a lead byte and the continuation bytes
// that were still acceptable after it (the Encoding Standard's UTF-8
// decoder), at least 1.
func maximalSubpart(b []byte) int {
	lower, upper := byte(0x80), byte(0xBF)
	var needed int
	switch c := b[0]; {
	case c >= 0xC2 && c <= 0xDF:
		needed = 1
	case c == 0xE0:
		needed, lower = 2, 0xA0
	case c == 0xED:
		needed, upper = 2, 0x9F
	case c >= 0xE1 && c <= 0xEF:
		needed = 2
	case c == 0xF0:
		needed, lower = 3, 0x90
	case c == 0xF4:
		needed, upper = 3, 0x8F
	case c >= 0xF1 && c <= 0xF3:
		needed = 3
	default:
		return 1
	}
	n := 1
	for ; n <= needed && n < len(b); n++ {
		if b[n] < lower || b[n] > upper {
			break
		}
		lower, upper = 0x80, 0xBF
	}
	return n
}
