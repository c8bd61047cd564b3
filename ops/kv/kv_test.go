package kv

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	kvstore "github.com/worky-dev/worky/kv"
	"github.com/worky-dev/worky/ops/console"
	"github.com/worky-dev/worky/ops/dom"
	"github.com/worky-dev/worky/ops/encoding"
	"github.com/worky-dev/worky/ops/fetch"
	"github.com/worky-dev/worky/ops/opstest"
	"github.com/worky-dev/worky/ops/streams"
	"github.com/worky-dev/worky/ops/timers"
	"github.com/worky-dev/worky/ops/url"
	"github.com/worky-dev/worky/ops/webidl"
	"github.com/worky-dev/worky/runtime"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"
)

// families are the extensions of the test worker, in the order of
// ops.All: KV itself needs only webidl and streams, the cases use fetch's
// Response, TextEncoder and setTimeout.
func families() []*runtime.Extension {
	return []*runtime.Extension{
		webidl.Extension(),
		dom.Extension(),
		console.Extension(),
		timers.Extension(),
		encoding.Extension(),
		streams.Extension(),
		url.Extension(),
		fetch.Extension(),
		Extension(),
	}
}

// bindings are the test worker's KV bindings (see testdata/kv.js).
var bindings = []runtime.Binding{
	{Name: "KV", Kind: "kv", Value: "ns1"},
	{Name: "SAME", Kind: "kv", Value: "ns1"},
	{Name: "OTHER", Kind: "kv", Value: "ns2"},
	{Name: "LIST", Kind: "kv", Value: "listns"},
	{Name: "BIG", Kind: "kv", Value: "bigns"},
	{Name: "DEFAULT_NS", Kind: "kv"},
}

// clock is a store clock tests can move forward.
type clock struct{ offset atomic.Int64 }

func (c *clock) now() time.Time { return time.Now().Add(time.Duration(c.offset.Load())) }

func (c *clock) advance(d time.Duration) { c.offset.Add(int64(d)) }

// openStore opens a real SQLite store in t's temporary folder, judging
// expiration by clk.
func openStore(t testing.TB, clk *clock) *kvstore.SQLite {
	t.Helper()
	s, err := kvstore.OpenSQLite(filepath.Join(t.TempDir(), "kv.db"), kvstore.SQLiteOptions{Now: clk.now})
	if err != nil {
		t.Fatalf("opening the SQLite store: %v", err)
	}
	return s
}

// harness is a one-isolate worker that runs the cases of testdata/kv.js,
// each as its own fetch request.
type harness struct {
	pool *runtime.Pool
}

// newHarness starts the worker with resources as Config.Resources (nil
// for none).
func newHarness(t testing.TB, resources map[string]any) *harness {
	t.Helper()
	cases, err := filepath.Abs("testdata/kv.js")
	if err != nil {
		t.Fatal(err)
	}
	src := `import * as cases from ` + strconv.Quote(cases) + `;
export const autoNames = Object.keys(cases).filter((k) => !cases[k].manual);
export default {
  async fetch(request, env) {
    const u = request.url;
    const name = u.slice(u.indexOf("/", u.indexOf("//") + 2) + 1);
    const c = cases[name];
    if (c === undefined) return new Response("no case " + name, { status: 404 });
    try {
      await c.test(env);
      return new Response("ok");
    } catch (e) {
      return new Response(e instanceof Error ? e.name + ": " + e.message + "\n" + e.stack : "threw " + String(e), { status: 500 });
    }
  },
};
`
	entry := filepath.Join(t.TempDir(), "worker.js")
	if err := os.WriteFile(entry, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := runtime.NewPool(runtime.Config{
		Name:        t.Name(),
		Script:      entry,
		Isolates:    1,
		MemoryLimit: 512 << 20,
		Timeout:     2 * time.Minute,
		CPULimit:    time.Minute,
		Bindings:    bindings,
		Extensions:  families(),
		Resources:   resources,
		Logger:      zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel)),
	})
	if err != nil {
		t.Fatalf("starting the worker: %v", err)
	}
	t.Cleanup(func() { p.Close() })
	return &harness{pool: p}
}

// run runs one case as a request and fails t with its error.
func (h *harness) run(t testing.TB, name string) {
	t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "http://kv.test/"+name, nil)
	if err := h.pool.Dispatch(rec, req); err != nil {
		t.Fatalf("case %s: dispatch: %v", name, err)
	}
	body, _ := io.ReadAll(rec.Body)
	if rec.Code != 200 || string(body) != "ok" {
		t.Fatalf("case %s failed (status %d):\n%s", name, rec.Code, body)
	}
}

// autoNames lists the cases that need nothing from Go.
func (h *harness) autoNames(t testing.TB) []string {
	t.Helper()
	var names []string
	if err := json.Unmarshal([]byte(opstest.Eval(t, h.pool, "return exports.autoNames")), &names); err != nil {
		t.Fatal(err)
	}
	if len(names) < 20 {
		t.Fatalf("testdata/kv.js exports only %d automatic cases: %v", len(names), names)
	}
	return names
}

// TestCases runs every automatic case over the SQLite store, and again
// with the ristretto cache in front of it.
func TestCases(t *testing.T) {
	stores := []struct {
		name string
		open func(t *testing.T) kvstore.Store
	}{
		{"sqlite", func(t *testing.T) kvstore.Store { return openStore(t, &clock{}) }},
		{"cached", func(t *testing.T) kvstore.Store {
			c, err := kvstore.NewCached(openStore(t, &clock{}), 64<<20)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}},
	}
	for _, s := range stores {
		t.Run(s.name, func(t *testing.T) {
			st := s.open(t)
			defer st.Close()
			h := newHarness(t, map[string]any{ResourceName: st})
			for _, name := range h.autoNames(t) {
				t.Run(name, func(t *testing.T) { h.run(t, name) })
			}
		})
	}
}

// TestListDefaultLimit lists a namespace of more than 1000 keys, which
// one request could not write.
func TestListDefaultLimit(t *testing.T) {
	st := openStore(t, &clock{})
	defer st.Close()
	ctx := context.Background()
	for i := range 1005 {
		if err := st.Put(ctx, "bigns", fmt.Sprintf("big/%04d", i), kvstore.Entry{Value: []byte("v")}); err != nil {
			t.Fatal(err)
		}
	}
	newHarness(t, map[string]any{ResourceName: st}).run(t, "listDefaultLimit")
}

// TestOpsLimit spends a request's 1000 operations, then checks that the
// next request has its own.
func TestOpsLimit(t *testing.T) {
	st := openStore(t, &clock{})
	defer st.Close()
	h := newHarness(t, map[string]any{ResourceName: st})
	h.run(t, "opsLimitSpend")
	h.run(t, "opsLimitFresh")
}

// TestOutsideRequest checks the documented choice: KV calls outside a
// request (here Pool.Eval) work and are not counted against any budget.
func TestOutsideRequest(t *testing.T) {
	st := openStore(t, &clock{})
	defer st.Close()
	h := newHarness(t, map[string]any{ResourceName: st})
	h.run(t, "stashEnv")
	got := opstest.Eval(t, h.pool, `
		const kv = globalThis.stashedEnv.KV;
		await kv.put("outside/k", "written outside a request");
		for (let i = 0; i < 1005; i++) await kv.get("outside/k");
		return await kv.get("outside/k");`)
	if got != `"written outside a request"` {
		t.Fatalf("1007 KV calls outside a request: got %s, want the value", got)
	}
}

// TestExpiration moves the store's clock past the keys' expiration.
func TestExpiration(t *testing.T) {
	clk := &clock{}
	st := openStore(t, clk)
	defer st.Close()
	h := newHarness(t, map[string]any{ResourceName: st})
	h.run(t, "ttlPut")
	clk.advance(120 * time.Second)
	h.run(t, "ttlGone")
}

// TestStoreContents reads what the worker wrote straight from the store:
// the bytes, the metadata as JSON text, the expiration, the namespaces.
func TestStoreContents(t *testing.T) {
	st := openStore(t, &clock{})
	defer st.Close()
	h := newHarness(t, map[string]any{ResourceName: st})
	before := time.Now().Unix()
	h.run(t, "storeContents")
	after := time.Now().Unix()
	ctx := context.Background()
	e, _, err := st.Get(ctx, "ns1", "contents/k", kvstore.GetOptions{})
	if err != nil || e == nil {
		t.Fatalf("ns1/contents/k: entry %v, error %v; want the entry", e, err)
	}
	if string(e.Value) != "\x00\x01\x02\xff" {
		t.Errorf("value: got %q, want %q", e.Value, "\x00\x01\x02\xff")
	}
	if string(e.Metadata) != `{"a":"é"}` {
		t.Errorf("metadata: got %q, want %q", e.Metadata, `{"a":"é"}`)
	}
	if e.Expiration < before+600 || e.Expiration > after+600 {
		t.Errorf("expiration: got %d, want %d..%d (now + expirationTtl 600)", e.Expiration, before+600, after+600)
	}
	d, _, err := st.Get(ctx, "DEFAULT_NS", "contents/default", kvstore.GetOptions{})
	if err != nil || d == nil || string(d.Value) != "in the binding's own namespace" {
		t.Fatalf("a binding without a namespace writes to the namespace of its name: got %v, %v", d, err)
	}
	names, err := st.Namespaces(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(names, ",") != "DEFAULT_NS,ns1" {
		t.Errorf("namespaces: got %v, want [DEFAULT_NS ns1]", names)
	}
}

// TestCacheStatus runs over the cached store: MISS, then HIT, and
// read-your-writes through the cache.
func TestCacheStatus(t *testing.T) {
	c, err := kvstore.NewCached(openStore(t, &clock{}), 64<<20)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	newHarness(t, map[string]any{ResourceName: c}).run(t, "cacheStatus")
}

// TestNoStore checks the errors when the host configured no store, or
// something that is not one.
func TestNoStore(t *testing.T) {
	newHarness(t, nil).run(t, "noStore")
	newHarness(t, map[string]any{ResourceName: "not a store"}).run(t, "wrongResource")
}

// TestDecodeUTF8 checks the text decoding of stored bytes against the
// Encoding Standard's examples of maximal subparts.
func TestDecodeUTF8(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain", "plain"},
		{"a\xe2\x82b", "a\ufffdb"},                       // a truncated sequence is one U+FFFD
		{"\xf0\x9f\x99", "\ufffd"},                       // truncated at the end
		{"\xc0\xaf", "\ufffd\ufffd"},                     // overlong: C0 is never a lead byte
		{"\xed\xa0\x80", "\ufffd\ufffd\ufffd"},           // a surrogate: ED A0 is not a valid pair
		{"\xf4\x90\x80\x80", "\ufffd\ufffd\ufffd\ufffd"}, // above U+10FFFF
		{"\xe0\x80\x63", "\ufffd\ufffdc"},                // E0 80: 80 is below A0
		{"\xf0\x9f\x99\x82\x80", "🙂\ufffd"},              // a stray continuation byte
		{"\xff", "\ufffd"},
		{"\xc2", "\ufffd"},
	} {
		if got := decodeUTF8([]byte(tc.in)); got != tc.want {
			t.Errorf("decodeUTF8(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestASCIIJSON checks that the trailer of a binary getWithMetadata is
// ASCII and still the same JSON.
func TestASCIIJSON(t *testing.T) {
	in := `{"a":"é🙂\"x","b":[1,"ü"]}`
	var buf bytes.Buffer
	writeASCIIJSON(&buf, []byte(in))
	out := buf.String()
	for i := 0; i < len(out); i++ {
		if out[i] >= utf8.RuneSelf {
			t.Fatalf("writeASCIIJSON(%s) = %s: byte %d is not ASCII", in, out, i)
		}
	}
	var x, y any
	if err := json.Unmarshal([]byte(in), &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(out), &y); err != nil {
		t.Fatalf("writeASCIIJSON(%s) = %s, which is not JSON: %v", in, out, err)
	}
	xs, _ := json.Marshal(x)
	ys, _ := json.Marshal(y)
	if string(xs) != string(ys) {
		t.Fatalf("writeASCIIJSON(%s) = %s, which decodes to %s", in, out, ys)
	}
}
