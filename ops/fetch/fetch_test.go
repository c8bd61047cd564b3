package fetch

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"testing/iotest"
	"time"

	"github.com/worky-dev/worky/ops/blob"
	"github.com/worky-dev/worky/ops/dom"
	"github.com/worky-dev/worky/ops/encoding"
	"github.com/worky-dev/worky/ops/opstest"
	"github.com/worky-dev/worky/ops/streams"
	"github.com/worky-dev/worky/ops/url"
	"github.com/worky-dev/worky/ops/webidl"
	"github.com/worky-dev/worky/runtime"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"
	"go.uber.org/zap/zaptest/observer"
)

// families returns the extensions a fetch worker needs, in order, with
// extra appended.
func families(extra ...*runtime.Extension) []*runtime.Extension {
	list := []*runtime.Extension{
		webidl.Extension(),
		dom.Extension(),
		streams.Extension(),
		url.Extension(),
		encoding.Extension(),
		blob.Extension(),
		Extension(),
	}
	return append(list, extra...)
}

func TestHeaders(t *testing.T)  { opstest.RunCases(t, families(), "testdata/headers.js") }
func TestRequest(t *testing.T)  { opstest.RunCases(t, families(), "testdata/request.js") }
func TestResponse(t *testing.T) { opstest.RunCases(t, families(), "testdata/response.js") }
func TestForms(t *testing.T)    { opstest.RunCases(t, families(), "testdata/forms.js") }
func TestWasm(t *testing.T)     { opstest.RunCases(t, families(), "testdata/wasm.js") }

// probe is a test-only family: a Go counter the worker bumps from
// waitUntil work, a gate the worker waits on, and the isolate's count of
// retained V8 values.
type probe struct {
	count atomic.Int64
	gate  chan struct{}
}

func newProbe() *probe { return &probe{gate: make(chan struct{})} }

func (p *probe) extension() *runtime.Extension {
	return &runtime.Extension{
		Name: "probe",
		Deps: []string{"fetch"},
		JS: []runtime.Script{{Name: "ext:probe/probe.js", Source: `
			core.defineGlobal("probe", {
				count: () => ops.op_probe_count(),
				waitGateThenCount: () => ops.op_probe_wait(),
				retained: () => ops.op_probe_retained(),
			});`}},
		Ops: []runtime.Op{
			{Name: "op_probe_count", Sync: func(c *runtime.Call) (any, error) { return p.count.Add(1), nil }},
			{Name: "op_probe_wait", Async: func(c *runtime.Call) (func() (any, error), error) {
				return func() (any, error) {
					<-p.gate
					return p.count.Add(1), nil
				}, nil
			}},
			{Name: "op_probe_retained", Sync: func(c *runtime.Call) (any, error) {
				return c.Isolate().Context().RetainedValueCount(), nil
			}},
		},
	}
}

type poolOptions struct {
	bindings []runtime.Binding
	probe    *probe
	isolates int
	logger   *zap.Logger
}

// pathOfJS is appended to every test worker: the path of a URL without
// the url family's parser.
const pathOfJS = `
function pathOf(u) { const i = u.indexOf("/", u.indexOf("//") + 2); const q = u.indexOf("?"); return u.slice(i, q === -1 ? undefined : q); }
`

func newPool(t testing.TB, source string, o poolOptions) *runtime.Pool {
	t.Helper()
	source += pathOfJS
	entry := filepath.Join(t.TempDir(), "worker.js")
	if err := os.WriteFile(entry, []byte(source), 0o644); err != nil {
		t.Fatal(err)
	}
	var extra []*runtime.Extension
	if o.probe != nil {
		extra = append(extra, o.probe.extension())
	}
	if o.isolates == 0 {
		o.isolates = 1
	}
	if o.logger == nil {
		o.logger = zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel))
	}
	p, err := runtime.NewPool(runtime.Config{
		Name:       t.Name(),
		Script:     entry,
		Isolates:   o.isolates,
		Bindings:   o.bindings,
		Extensions: families(extra...),
		Logger:     o.logger,
	})
	if err != nil {
		t.Fatalf("starting the worker: %v", err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// serve dispatches one request and returns the recorded response.
func serve(t testing.TB, p *runtime.Pool, r *http.Request) (*httptest.ResponseRecorder, error) {
	t.Helper()
	w := httptest.NewRecorder()
	err := p.Dispatch(w, r)
	return w, err
}

// mustServe dispatches one request and fails t if Dispatch errs.
func mustServe(t testing.TB, p *runtime.Pool, method, url string, body io.Reader) *httptest.ResponseRecorder {
	t.Helper()
	w, err := serve(t, p, httptest.NewRequest(method, url, body))
	if err != nil {
		t.Fatalf("%s %s: Dispatch: %v", method, url, err)
	}
	return w
}

func checkResponse(t *testing.T, what string, w *httptest.ResponseRecorder, status int, body string) {
	t.Helper()
	if w.Code != status {
		t.Errorf("%s: status %d, want %d (body %q)", what, w.Code, status, w.Body.String())
	}
	if got := w.Body.String(); got != body {
		t.Errorf("%s: body %q, want %q", what, got, body)
	}
}

func TestModuleSyntax(t *testing.T) {
	cases := []struct {
		name, source string
		method, url  string
		status       int
		body         string
		header       map[string]string
	}{
		{
			name:   "sync",
			source: `export default { fetch(req) { return new Response("hello " + req.method + " " + pathOf(req.url), { status: 201, headers: { "X-Test": "yes" } }) } }`,
			method: "GET", url: "http://example.com/path?q=1",
			status: 201, body: "hello GET /path",
			header: map[string]string{"X-Test": "yes", "Content-Type": "text/plain;charset=UTF-8", "Content-Length": "15"},
		},
		{
			name:   "async",
			source: `export default { async fetch(req) { await null; await new Promise((r) => r()); return Response.json({ url: req.url }) } }`,
			method: "GET", url: "http://EXAMPLE.com:80/a%20b?x=y",
			status: 200, body: `{"url":"http://example.com/a%20b?x=y"}`,
			header: map[string]string{"Content-Type": "application/json"},
		},
		{
			name:   "this is the module object",
			source: `export default { greeting: "hi", fetch() { return new Response(this.greeting) } }`,
			method: "GET", url: "http://example.com/",
			status: 200, body: "hi",
		},
		{
			name: "request headers",
			source: `export default { fetch(req) {
				const h = req.headers;
				let immutable = false;
				try { h.set("x", "y") } catch (e) { immutable = e instanceof TypeError && e.message === "Headers are immutable" }
				return Response.json({ host: h.get("host"), a: h.get("x-a"), first: [...h.keys()][0], immutable, same: h === req.headers });
			} }`,
			method: "GET", url: "http://example.com/",
			status: 200, body: `{"host":"example.com","a":"1, 2","first":"host","immutable":true,"same":true}`,
		},
		{
			name:   "no body",
			source: `export default { fetch() { return new Response(null, { status: 204, headers: { "x-empty": "1" } }) } }`,
			method: "DELETE", url: "http://example.com/",
			status: 204, body: "",
			header: map[string]string{"X-Empty": "1"},
		},
		{
			name:   "redirect",
			source: `export default { fetch() { return Response.redirect("https://example.org/next", 307) } }`,
			method: "GET", url: "http://example.com/",
			status: 307, body: "",
			header: map[string]string{"Location": "https://example.org/next"},
		},
		{
			name:   "bytes body",
			source: `export default { fetch() { return new Response(new Uint8Array([104, 105])) } }`,
			method: "GET", url: "http://example.com/",
			status: 200, body: "hi",
			header: map[string]string{"Content-Length": "2"},
		},
		{
			name:   "unicode text is sent as UTF-8",
			source: `export default { fetch() { return new Response("héllo ✓ \u{1F600}") } }`,
			method: "GET", url: "http://example.com/",
			status: 200, body: "héllo ✓ \U0001F600",
			header: map[string]string{"Content-Length": "15"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := newPool(t, tc.source, poolOptions{})
			r := httptest.NewRequest(tc.method, tc.url, nil)
			r.Header.Add("X-A", "1")
			r.Header.Add("X-A", "2")
			w, err := serve(t, p, r)
			if err != nil {
				t.Fatalf("Dispatch: %v", err)
			}
			checkResponse(t, tc.name, w, tc.status, tc.body)
			for k, v := range tc.header {
				if got := w.Header().Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
		})
	}
}

func TestServiceWorkerSyntax(t *testing.T) {
	t.Run("respondWith", func(t *testing.T) {
		p := newPool(t, `
			addEventListener("fetch", (event) => {
				if (!(event instanceof FetchEvent)) throw new Error("not a FetchEvent");
				event.respondWith(new Response("sw " + event.request.method));
			});`, poolOptions{})
		checkResponse(t, "respondWith", mustServe(t, p, "POST", "http://example.com/", strings.NewReader("x")), 200, "sw POST")
	})
	t.Run("promise and first respondWith wins", func(t *testing.T) {
		p := newPool(t, `
			addEventListener("fetch", (event) => {
				event.respondWith((async () => new Response("first"))());
				let second;
				try { event.respondWith(new Response("second")) } catch (e) { second = e }
				globalThis.second = second.name + ": " + second.message;
			});
			addEventListener("fetch", { handleEvent(event) {
				try { event.respondWith(new Response("third")) } catch (e) { globalThis.third = e.name }
			} });
			addEventListener("fetch", (event) => {
				if (event.request.url.endsWith("/report")) return;
			});`, poolOptions{})
		checkResponse(t, "first call", mustServe(t, p, "GET", "http://example.com/", nil), 200, "first")
		out := opstest.Eval(t, p, `return [globalThis.second, globalThis.third]`)
		if !strings.Contains(out, "InvalidStateError: ") || !strings.Contains(out, "already called") || !strings.Contains(out, `"InvalidStateError"]`) {
			t.Errorf("second and third respondWith: %s, want InvalidStateError twice", out)
		}
	})
	t.Run("respondWith after dispatch", func(t *testing.T) {
		p := newPool(t, `
			addEventListener("fetch", (event) => {
				event.respondWith(new Promise((resolve) => {
					Promise.resolve().then(() => {
						try { event.respondWith(new Response("late")) } catch (e) { resolve(new Response(e.name)) }
					});
				}));
			});`, poolOptions{})
		checkResponse(t, "late respondWith", mustServe(t, p, "GET", "http://example.com/", nil), 200, "InvalidStateError")
	})
	t.Run("waitUntil", func(t *testing.T) {
		pr := newProbe()
		p := newPool(t, `
			addEventListener("fetch", (event) => {
				event.waitUntil(probe.waitGateThenCount());
				event.respondWith(new Response("ok"));
			});`, poolOptions{probe: pr})
		checkResponse(t, "waitUntil", mustServe(t, p, "GET", "http://example.com/", nil), 200, "ok")
		if n := inFlight(t, p); n != 1 {
			t.Errorf("in flight while waitUntil is pending: %d, want 1", n)
		}
		close(pr.gate)
		waitFor(t, "the request to be done", func() bool { return p.Stats().InFlight == 0 })
	})
	t.Run("no respondWith", func(t *testing.T) {
		p := newPool(t, `addEventListener("fetch", () => {});`, poolOptions{})
		_, err := serve(t, p, httptest.NewRequest("GET", "http://example.com/", nil))
		wantScriptError(t, err, "No fetch listener called event.respondWith()")
	})
	t.Run("listener throws", func(t *testing.T) {
		p := newPool(t, `addEventListener("fetch", () => { throw new RangeError("listener broke") });`, poolOptions{})
		_, err := serve(t, p, httptest.NewRequest("GET", "http://example.com/", nil))
		wantScriptError(t, err, "RangeError: listener broke")
	})
	t.Run("respondWith a non-Response", func(t *testing.T) {
		p := newPool(t, `addEventListener("fetch", (e) => e.respondWith(Promise.resolve({ body: "x" })));`, poolOptions{})
		_, err := serve(t, p, httptest.NewRequest("GET", "http://example.com/", nil))
		wantScriptError(t, err, "TypeError: The fetch handler returned a plain object, not a Response")
	})
}

func wantScriptError(t *testing.T, err error, msg string) {
	t.Helper()
	var se *runtime.ScriptError
	if !errors.As(err, &se) {
		t.Fatalf("Dispatch returned %v (%T), want a *runtime.ScriptError", err, err)
	}
	if !strings.Contains(se.Message, msg) {
		t.Errorf("ScriptError message %q, want it to contain %q", se.Message, msg)
	}
}

// inFlight returns the pool's requests in flight once the isolate has
// finished the task that answered the last request (Dispatch returns as
// soon as the response is out, maybe before that task ends).
func inFlight(t *testing.T, p *runtime.Pool) int {
	t.Helper()
	opstest.Eval(t, p, "return null")
	return p.Stats().InFlight
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestHandlerErrors(t *testing.T) {
	cases := []struct {
		name, source, msg string
	}{
		{"sync throw", `export default { fetch() { throw new TypeError("sync boom") } }`, "TypeError: sync boom"},
		{"async throw", `export default { async fetch() { await null; throw new Error("async boom") } }`, "Error: async boom"},
		{"throws a string", `export default { fetch() { throw "just a string" } }`, "just a string"},
		{"returns undefined", `export default { fetch() {} }`, "The fetch handler returned undefined, not a Response"},
		{"returns a string", `export default { fetch() { return "hello" } }`, `The fetch handler returned a string ("hello"), not a Response`},
		{"resolves to a number", `export default { async fetch() { return 42 } }`, "The fetch handler returned a number (42), not a Response"},
		{"returns a Request", `export default { fetch(r) { return r } }`, "The fetch handler returned an instance of Request, not a Response"},
		{"returns Response.error()", `export default { fetch() { return Response.error() } }`, "Response.error()"},
		{"returns a used Response", `export default { async fetch() { const r = new Response("x"); await r.text(); return r } }`, "body has already been used"},
		{"throwing thenable", `export default { fetch() { return { then() { throw new Error("bad then") } } } }`, "bad then"},
		{"env fails", `export default { fetch(r, env) { return new Response(String(env.KV)) } }`, "no extension provides bindings of kind kv"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var opts poolOptions
			if tc.name == "env fails" {
				opts.bindings = []runtime.Binding{{Name: "KV", Kind: "kv", Value: "x"}}
			}
			p := newPool(t, tc.source, opts)
			w, err := serve(t, p, httptest.NewRequest("GET", "http://example.com/", nil))
			wantScriptError(t, err, tc.msg)
			if w.Body.Len() != 0 {
				t.Errorf("a body was written: %q", w.Body.String())
			}
			waitFor(t, "the slot to be free", func() bool { return p.Stats().InFlight == 0 })
		})
	}
}

func TestEchoBody(t *testing.T) {
	p := newPool(t, `export default { async fetch(req) {
		const mode = pathOf(req.url);
		switch (mode) {
		case "/text": return new Response(await req.text());
		case "/arrayBuffer": { const b = await req.arrayBuffer(); return new Response(b, { headers: { "x-type": Object.prototype.toString.call(b) } }); }
		case "/bytes": return new Response(await req.bytes());
		case "/json": { const v = await req.json(); return Response.json({ got: v, type: typeof v }); }
		case "/twice": { await req.text(); try { await req.text() } catch (e) { return new Response(e.name + ": " + e.message) } return new Response("no error") }
		case "/stream": {
			const reader = req.body.getReader();
			const sizes = [];
			const parts = [];
			for (;;) {
				const { done, value } = await reader.read();
				if (done) break;
				if (!(value instanceof Uint8Array)) throw new Error("chunk is not a Uint8Array");
				sizes.push(value.byteLength);
				parts.push(value);
			}
			return new Response(new Blobless(parts).bytes(), { headers: { "x-chunks": String(sizes.length), "x-sizes": sizes.join(","), "x-used": String(req.bodyUsed) } });
		}
		case "/pipe": return new Response(req.body);
		case "/clone": { const c = req.clone(); return new Response((await req.text()) + "|" + (await c.text())); }
		case "/copy": { const r2 = new Request(req, { headers: { "x": "1" } }); return new Response(req.bodyUsed + "|" + (await r2.text())); }
		}
		return new Response("unknown mode " + mode, { status: 400 });
	} }
	class Blobless { constructor(parts) { this.parts = parts }
		bytes() { let n = 0; for (const p of this.parts) n += p.length; const out = new Uint8Array(n); let o = 0; for (const p of this.parts) { out.set(p, o); o += p.length } return out } }
	`, poolOptions{})

	big := bytes.Repeat([]byte("0123456789abcdef"), 200<<10/16) // 200 KiB
	for _, tc := range []struct {
		mode string
		body []byte
		want string
	}{
		{"/text", []byte("héllo"), "héllo"},
		{"/text", []byte{}, ""},
		{"/arrayBuffer", []byte{0, 1, 2, 255}, "\x00\x01\x02\xff"},
		{"/bytes", big, string(big)},
		{"/json", []byte(`{"a": [1, 2]}`), `{"got":{"a":[1,2]},"type":"object"}`},
		{"/json", []byte(`"str"`), `{"got":"str","type":"string"}`},
		{"/twice", []byte("x"), "TypeError: Body has already been used"},
		{"/stream", big, string(big)},
		{"/pipe", big, string(big)},
		{"/clone", []byte("dup"), "dup|dup"},
		{"/copy", []byte("moved"), "true|moved"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			w := mustServe(t, p, "POST", "http://example.com"+tc.mode, bytes.NewReader(tc.body))
			if w.Code != 200 || w.Body.String() != tc.want {
				got := w.Body.String()
				if len(got) > 100 {
					got = got[:100] + "..."
				}
				t.Fatalf("POST %s: %d %q, want 200 with %d bytes", tc.mode, w.Code, got, len(tc.want))
			}
			if tc.mode == "/arrayBuffer" {
				if got := w.Header().Get("X-Type"); got != "[object ArrayBuffer]" {
					t.Errorf("arrayBuffer() gave %s", got)
				}
			}
			if tc.mode == "/stream" {
				if n := w.Header().Get("X-Chunks"); n == "1" || n == "0" {
					t.Errorf("a %d-byte body came in %s chunks (sizes %s), want several of at most 64 KiB", len(tc.body), n, w.Header().Get("X-Sizes"))
				}
				for _, s := range strings.Split(w.Header().Get("X-Sizes"), ",") {
					var n int
					fmt.Sscan(s, &n)
					if n > readChunk || n <= 0 {
						t.Errorf("chunk of %d bytes, want 1 to %d", n, readChunk)
					}
				}
				if w.Header().Get("X-Used") != "true" {
					t.Errorf("bodyUsed after reading the stream: %s, want true", w.Header().Get("X-Used"))
				}
			}
		})
	}
}

// TestConcurrentRequests interleaves many streamed echoes in one isolate:
// each response must carry its own request's body.
func TestConcurrentRequests(t *testing.T) {
	p := newPool(t, `export default { async fetch(req) {
		if (pathOf(req.url) === "/text") return new Response("text:" + (await req.text()));
		return new Response(req.body, { headers: { "x-id": req.headers.get("x-id") } });
	} }`, poolOptions{})
	const n = 64
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		go func() {
			id := fmt.Sprint(i)
			body := strings.Repeat(id+"-", 30000) // about 100 KiB: several chunks
			path := "/pipe"
			want := body
			if i%2 == 1 {
				path = "/text"
				want = "text:" + body
			}
			r := httptest.NewRequest("POST", "http://example.com"+path, strings.NewReader(body))
			r.Header.Set("X-Id", id)
			w := httptest.NewRecorder()
			if err := p.Dispatch(w, r); err != nil {
				errs <- fmt.Errorf("request %s: %v", id, err)
				return
			}
			if w.Body.String() != want {
				errs <- fmt.Errorf("request %s: got %d bytes starting %q, want its own %d bytes", id, w.Body.Len(), w.Body.String()[:min(20, w.Body.Len())], len(want))
				return
			}
			errs <- nil
		}()
	}
	for i := 0; i < n; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	waitFor(t, "all requests to be done", func() bool { return p.Stats().InFlight == 0 })
}

// TestBodyReadError checks that a body the client cut short is an error,
// not a shorter body, whether read whole or as a stream.
func TestBodyReadError(t *testing.T) {
	p := newPool(t, `export default { async fetch(req) {
		try {
			if (pathOf(req.url) === "/stream") {
				const reader = req.body.getReader();
				let n = 0;
				for (;;) { const { done, value } = await reader.read(); if (done) break; n += value.length; }
				return new Response("read " + n + " bytes without an error");
			}
			return new Response("read " + (await req.text()).length + " bytes without an error");
		} catch (e) {
			return new Response(e.name + ": " + e.message);
		}
	} }`, poolOptions{})
	for _, path := range []string{"/text", "/stream"} {
		body := io.MultiReader(strings.NewReader("partial"), iotest.ErrReader(io.ErrUnexpectedEOF))
		r := httptest.NewRequest("POST", "http://example.com"+path, body)
		r.ContentLength = 100
		w, err := serve(t, p, r)
		if err != nil {
			t.Fatalf("%s: Dispatch: %v", path, err)
		}
		if got := w.Body.String(); !strings.Contains(got, "TypeError: reading the request body: unexpected EOF") {
			t.Errorf("%s: the worker saw %q, want a TypeError for the cut-short body", path, got)
		}
	}
}

func TestGetHasNoBody(t *testing.T) {
	p := newPool(t, `export default { fetch(req) { return new Response(String(req.body)) } }`, poolOptions{})
	checkResponse(t, "GET", mustServe(t, p, "GET", "http://example.com/", strings.NewReader("ignored")), 200, "null")
}

// TestStreamedResponse checks that a chunk reaches a real client before the
// worker produces the next one: the client reads the first chunk, then a
// second request releases the rest.
func TestStreamedResponse(t *testing.T) {
	p := newPool(t, `
		let controller;
		export default { fetch(req) {
			const path = pathOf(req.url);
			if (path === "/release") {
				controller.enqueue(new TextEncoderless("second").bytes());
				controller.close();
				return new Response("released");
			}
			const body = new ReadableStream({ start(c) { controller = c; c.enqueue(new TextEncoderless("first").bytes()); } });
			return new Response(body, { headers: { "content-type": "text/event-stream" } });
		} };
		class TextEncoderless { constructor(s) { this.s = s } bytes() { return new Uint8Array([...this.s].map((c) => c.charCodeAt(0))) } }
	`, poolOptions{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := p.Dispatch(w, r); err != nil {
			t.Errorf("Dispatch %s: %v", r.URL.Path, err)
		}
	}))
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/stream", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET /stream: %v", err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("content-type %q", ct)
	}
	if res.ContentLength != -1 {
		t.Errorf("content length %d, want unknown (-1) for a stream", res.ContentLength)
	}
	buf := make([]byte, 5)
	if _, err := io.ReadFull(res.Body, buf); err != nil || string(buf) != "first" {
		t.Fatalf("first chunk: %q, %v", buf, err)
	}
	rel, err := http.Get(srv.URL + "/release")
	if err != nil {
		t.Fatalf("GET /release: %v", err)
	}
	relBody, _ := io.ReadAll(rel.Body)
	rel.Body.Close()
	if string(relBody) != "released" {
		t.Fatalf("/release answered %q", relBody)
	}
	rest, err := io.ReadAll(res.Body)
	if err != nil || string(rest) != "second" {
		t.Fatalf("rest of the stream: %q, %v; want \"second\"", rest, err)
	}
	waitFor(t, "both requests to be done", func() bool { return p.Stats().InFlight == 0 })
}

// TestClientGoesAway checks that a stream whose client disconnects is
// cancelled and the request ends.
func TestClientGoesAway(t *testing.T) {
	p := newPool(t, `
		globalThis.cancelReason = "not cancelled";
		export default { fetch(req) {
			if (pathOf(req.url) === "/state") return new Response(globalThis.cancelReason);
			return new Response(new ReadableStream({
				pull(c) { c.enqueue(new Uint8Array(16 << 10)) },
				cancel(reason) { globalThis.cancelReason = "cancelled" },
			}));
		} }`, poolOptions{})
	errs := make(chan error, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := p.Dispatch(w, r)
		if r.URL.Path == "/stream" {
			errs <- err
		}
	}))
	defer srv.Close()
	res, err := http.Get(srv.URL + "/stream")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(res.Body, make([]byte, 1<<10)); err != nil {
		t.Fatalf("reading the start of the stream: %v", err)
	}
	res.Body.Close() // the connection closes with most of the body unread
	select {
	case err := <-errs:
		if err == nil {
			t.Errorf("Dispatch returned nil for a response the client never got whole")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Dispatch did not return after the client went away")
	}
	waitFor(t, "the request to be done", func() bool { return p.Stats().InFlight == 0 })
	res, err = http.Get(srv.URL + "/state")
	if err != nil {
		t.Fatal(err)
	}
	state, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if string(state) != "cancelled" {
		t.Errorf("the stream's source: %q, want \"cancelled\"", state)
	}
}

func TestStreamErrors(t *testing.T) {
	p := newPool(t, `export default { fetch(req) {
		const path = pathOf(req.url);
		let n = 0;
		if (path === "/error") {
			return new Response(new ReadableStream({ pull(c) {
				if (n++ === 0) { c.enqueue(new Uint8Array([65])); return; }
				throw new Error("stream broke midway");
			} }));
		}
		if (path === "/string-chunk") {
			return new Response(new ReadableStream({ start(c) { c.enqueue("not bytes"); c.close() } }));
		}
		return new Response(new ReadableStream({ start(c) { c.error(new RangeError("failed before any byte")) } }));
	} }`, poolOptions{})
	for _, tc := range []struct {
		path, msg string
	}{
		{"/error", "Error: stream broke midway"},
		{"/string-chunk", "its chunks must be Uint8Arrays"},
		{"/early", "RangeError: failed before any byte"},
	} {
		_, err := serve(t, p, httptest.NewRequest("GET", "http://example.com"+tc.path, nil))
		if !errors.Is(err, runtime.ErrResponseStarted) {
			t.Errorf("%s: Dispatch returned %v, want it to wrap ErrResponseStarted (the headers were sent)", tc.path, err)
		}
		wantScriptError(t, err, tc.msg)
	}
	waitFor(t, "the slots to be free", func() bool { return p.Stats().InFlight == 0 })
}

func TestLargeBody(t *testing.T) {
	const size = 10 << 20
	p := newPool(t, `export default { fetch(req) {
		const b = new Uint8Array(10 << 20);
		for (let i = 0; i < b.length; i += 4096) b[i] = (i >> 12) & 0xff;
		if (pathOf(req.url) === "/string") return new Response("x".repeat(10 << 20));
		return new Response(b);
	} }`, poolOptions{})
	w := mustServe(t, p, "GET", "http://example.com/bytes", nil)
	if w.Code != 200 || w.Body.Len() != size {
		t.Fatalf("status %d, %d bytes; want 200 with %d", w.Code, w.Body.Len(), size)
	}
	if cl := w.Header().Get("Content-Length"); cl != fmt.Sprint(size) {
		t.Errorf("Content-Length %q, want %d", cl, size)
	}
	b := w.Body.Bytes()
	for i := 0; i < size; i += 4096 {
		if b[i] != byte(i>>12) {
			t.Fatalf("byte %d = %d, want %d", i, b[i], byte(i>>12))
		}
	}
	w = mustServe(t, p, "GET", "http://example.com/string", nil)
	if w.Body.Len() != size || w.Body.String() != strings.Repeat("x", size) {
		t.Fatalf("string body: %d bytes, want %d x's", w.Body.Len(), size)
	}
}

func TestSetCookie(t *testing.T) {
	p := newPool(t, `export default { fetch() {
		const h = new Headers({ "content-type": "text/plain" });
		h.append("Set-Cookie", "a=1; Path=/");
		h.append("Set-Cookie", "b=2, with comma; HttpOnly");
		h.append("X-Multi", "1");
		h.append("X-Multi", "2");
		return new Response("ok", { headers: h });
	} }`, poolOptions{})
	w := mustServe(t, p, "GET", "http://example.com/", nil)
	got := w.Result().Header.Values("Set-Cookie")
	if len(got) != 2 || got[0] != "a=1; Path=/" || got[1] != "b=2, with comma; HttpOnly" {
		t.Errorf("Set-Cookie lines %q, want two separate lines", got)
	}
	if x := w.Result().Header.Values("X-Multi"); len(x) != 2 || x[0] != "1" || x[1] != "2" {
		t.Errorf("X-Multi %q", x)
	}
}

// TestNoContentTypeSniffing checks that a body without a Content-Type goes
// out without one through a real server (net/http would guess one).
func TestNoContentTypeSniffing(t *testing.T) {
	p := newPool(t, `export default { fetch(req) {
		const body = new Uint8Array([60, 104, 116, 109, 108, 62]); // "<html>"
		if (pathOf(req.url) === "/stream") return new Response(new Response(body).body);
		return new Response(body);
	} }`, poolOptions{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := p.Dispatch(w, r); err != nil {
			t.Errorf("Dispatch: %v", err)
		}
	}))
	defer srv.Close()
	for _, path := range []string{"/bytes", "/stream"} {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if string(body) != "<html>" {
			t.Errorf("%s: body %q", path, body)
		}
		if ct, ok := res.Header["Content-Type"]; ok {
			t.Errorf("%s: Content-Type %q was added", path, ct)
		}
	}
}

func TestHopByHopHeadersDropped(t *testing.T) {
	p := newPool(t, `export default { fetch() {
		return new Response("abc", { headers: { "Transfer-Encoding": "chunked", Connection: "close", "Content-Length": "999", "Keep-Alive": "x" } });
	} }`, poolOptions{})
	w := mustServe(t, p, "GET", "http://example.com/", nil)
	h := w.Result().Header
	if h.Get("Transfer-Encoding") != "" || h.Get("Connection") != "" || h.Get("Keep-Alive") != "" {
		t.Errorf("hop-by-hop headers sent: %v", h)
	}
	if h.Get("Content-Length") != "3" {
		t.Errorf("Content-Length %q, want the body's length 3", h.Get("Content-Length"))
	}
}

func TestHead(t *testing.T) {
	p := newPool(t, `
		globalThis.cancelled = 0;
		export default { fetch(req) {
			const path = pathOf(req.url);
			if (path === "/stream") return new Response(new ReadableStream({ pull(c) { c.enqueue(new Uint8Array(10)) }, cancel() { globalThis.cancelled++ } }), { headers: { "content-length": "10" } });
			if (path === "/big") return new Response(new Uint8Array(1 << 20));
			return new Response("hello head");
		} }`, poolOptions{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := p.Dispatch(w, r); err != nil {
			t.Errorf("Dispatch %s %s: %v", r.Method, r.URL.Path, err)
		}
	}))
	defer srv.Close()
	for _, tc := range []struct {
		path   string
		length int64
	}{{"/", 10}, {"/big", 1 << 20}, {"/stream", 10}} {
		// A raw connection shows whether any body bytes were sent.
		res, raw := rawRequest(t, srv.URL, "HEAD", tc.path)
		if res.StatusCode != 200 {
			t.Errorf("HEAD %s: status %d", tc.path, res.StatusCode)
		}
		if res.ContentLength != tc.length {
			t.Errorf("HEAD %s: Content-Length %d, want %d", tc.path, res.ContentLength, tc.length)
		}
		if raw != "" {
			t.Errorf("HEAD %s: body bytes sent: %q", tc.path, raw)
		}
	}
	waitFor(t, "the requests to be done", func() bool { return p.Stats().InFlight == 0 })
	if out := opstest.Eval(t, p, `return globalThis.cancelled`); out != "1" {
		t.Errorf("the stream of a HEAD response was cancelled %s times, want 1", out)
	}
}

// rawRequest sends one request with Connection: close and returns the
// parsed response head and whatever bytes followed it.
func rawRequest(t *testing.T, base, method, path string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, base+path, nil)
	req.Close = true
	conn, err := net.Dial("tcp", req.URL.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if err := req.Write(conn); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	res, err := http.ReadResponse(br, req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	rest, _ := io.ReadAll(br)
	return res, string(rest)
}

func TestEnv(t *testing.T) {
	p := newPool(t, `export default { fetch(req, env, ctx) {
		return Response.json({
			greeting: env.GREETING,
			token: env.API_TOKEN,
			keys: Object.keys(env),
			globalGreeting: typeof globalThis.GREETING,
			globalToken: typeof globalThis.API_TOKEN,
			frozen: Object.isFrozen(env),
			ctxKeys: Object.keys(Object.getPrototypeOf(ctx)),
			ctxTag: Object.prototype.toString.call(ctx),
			sameEnv: remember(env),
		});
	} }
	let lastEnv;
	function remember(env) { const same = lastEnv === undefined || lastEnv === env; lastEnv = env; return same; }`, poolOptions{bindings: []runtime.Binding{
		{Name: "GREETING", Kind: "var", Value: "hello"},
		{Name: "API_TOKEN", Kind: "secret", Value: "s3cr3t"},
	}})
	want := `{"greeting":"hello","token":"s3cr3t","keys":["GREETING","API_TOKEN"],"globalGreeting":"undefined","globalToken":"undefined","frozen":true,"ctxKeys":["waitUntil","passThroughOnException"],"ctxTag":"[object ExecutionContext]","sameEnv":true}`
	for i := 0; i < 2; i++ {
		checkResponse(t, "env", mustServe(t, p, "GET", "http://example.com/", nil), 200, want)
	}
}

func TestWaitUntil(t *testing.T) {
	t.Run("runs after the response", func(t *testing.T) {
		pr := newProbe()
		p := newPool(t, `
			globalThis.log = [];
			export default { fetch(req, env, ctx) {
				ctx.waitUntil(probe.waitGateThenCount().then((n) => { log.push("waitUntil done " + n) }));
				log.push("responding");
				return new Response("sent");
			} }`, poolOptions{probe: pr})
		checkResponse(t, "first request", mustServe(t, p, "GET", "http://example.com/", nil), 200, "sent")
		// The response is out, the waitUntil work is not.
		if n := pr.count.Load(); n != 0 {
			t.Fatalf("the op counter is %d before the gate opened", n)
		}
		if n := inFlight(t, p); n != 1 {
			t.Errorf("in flight while waitUntil is pending: %d, want 1", n)
		}
		close(pr.gate)
		waitFor(t, "the waitUntil work", func() bool { return p.Stats().InFlight == 0 })
		if n := pr.count.Load(); n != 1 {
			t.Errorf("op counter %d, want 1", n)
		}
		if out := opstest.Eval(t, p, `return log`); out != `["responding","waitUntil done 1"]` {
			t.Errorf("log %s", out)
		}
	})
	t.Run("rejections are logged and the request still ends", func(t *testing.T) {
		core, logs := observer.New(zap.DebugLevel)
		p := newPool(t, `export default { fetch(req, env, ctx) {
			ctx.waitUntil(Promise.reject(new RangeError("background failure")));
			ctx.waitUntil(42);
			return new Response("ok");
		} }`, poolOptions{logger: zap.New(core)})
		checkResponse(t, "rejecting waitUntil", mustServe(t, p, "GET", "http://example.com/", nil), 200, "ok")
		waitFor(t, "the request to be done", func() bool { return p.Stats().InFlight == 0 })
		found := false
		for _, e := range logs.All() {
			if e.Level == zap.ErrorLevel && strings.Contains(e.Message, "RangeError: background failure") && strings.Contains(e.Message, "worker.js") {
				found = true
			}
		}
		if !found {
			t.Errorf("no error log with the rejection and its stack; logs: %v", logs.All())
		}
	})
	t.Run("after an error", func(t *testing.T) {
		pr := newProbe()
		p := newPool(t, `export default { fetch(req, env, ctx) {
			ctx.waitUntil(probe.waitGateThenCount());
			throw new Error("handler failed");
		} }`, poolOptions{probe: pr})
		_, err := serve(t, p, httptest.NewRequest("GET", "http://example.com/", nil))
		wantScriptError(t, err, "handler failed")
		if n := inFlight(t, p); n != 1 {
			t.Errorf("in flight while waitUntil is pending after an error: %d, want 1", n)
		}
		close(pr.gate)
		waitFor(t, "the request to be done", func() bool { return p.Stats().InFlight == 0 })
	})
	t.Run("second request sees the work", func(t *testing.T) {
		p := newPool(t, `
			let resolveWork;
			globalThis.state = "idle";
			export default { fetch(req, env, ctx) {
				const path = pathOf(req.url);
				if (path === "/start") {
					ctx.waitUntil(new Promise((r) => { resolveWork = r }).then(() => { globalThis.state = "background work ran" }));
					return new Response("started");
				}
				if (path === "/finish") { resolveWork(); return new Response("finishing"); }
				return new Response(globalThis.state);
			} }`, poolOptions{})
		checkResponse(t, "/start", mustServe(t, p, "GET", "http://example.com/start", nil), 200, "started")
		checkResponse(t, "/state before", mustServe(t, p, "GET", "http://example.com/state", nil), 200, "idle")
		checkResponse(t, "/finish", mustServe(t, p, "GET", "http://example.com/finish", nil), 200, "finishing")
		checkResponse(t, "/state after", mustServe(t, p, "GET", "http://example.com/state", nil), 200, "background work ran")
		waitFor(t, "all requests to be done", func() bool { return p.Stats().InFlight == 0 })
	})
	t.Run("brand and arity", func(t *testing.T) {
		p := newPool(t, `export default { fetch(req, env, ctx) {
			const out = [];
			try { ctx.waitUntil() } catch (e) { out.push(e.message) }
			try { ctx.waitUntil.call({}, Promise.resolve()) } catch (e) { out.push(e.message) }
			try { new ctx.constructor() } catch (e) { out.push(e.message) }
			return Response.json(out);
		} }`, poolOptions{})
		checkResponse(t, "waitUntil checks", mustServe(t, p, "GET", "http://example.com/", nil), 200,
			`["Failed to execute 'waitUntil' on 'ExecutionContext': 1 argument required, but only 0 present.","Illegal invocation: 'waitUntil' called on an object that is not a ExecutionContext","Illegal constructor"]`)
	})
}

// TestRetainedValues serves many requests through one isolate and checks
// that the V8 values the request path makes on the Go side are released.
func TestRetainedValues(t *testing.T) {
	pr := newProbe()
	p := newPool(t, `export default { async fetch(req, env, ctx) {
		if (pathOf(req.url) === "/retained") return new Response(String(probe.retained()));
		const body = req.method === "POST" ? await req.text() : "";
		ctx.waitUntil(Promise.resolve());
		return new Response("ok " + body, { headers: { a: "b" } });
	} }`, poolOptions{probe: pr})
	retained := func() int {
		w := mustServe(t, p, "GET", "http://example.com/retained", nil)
		var n int
		fmt.Sscan(w.Body.String(), &n)
		return n
	}
	for i := 0; i < 100; i++ {
		mustServe(t, p, "POST", "http://example.com/", strings.NewReader("warm"))
	}
	before := retained()
	const n = 10000
	for i := 0; i < n; i++ {
		if i%2 == 0 {
			mustServe(t, p, "GET", "http://example.com/", nil)
		} else {
			mustServe(t, p, "POST", "http://example.com/", strings.NewReader("body"))
		}
	}
	after := retained()
	if after-before > 100 {
		t.Errorf("retained V8 values grew from %d to %d over %d requests", before, after, n)
	}
}

// BenchmarkDispatchFloor is the runtime's own cost of a request, for
// comparison with BenchmarkDispatchHello: a bare extension answers every
// fetch event with one op, no Request, Response or handler.
func BenchmarkDispatchFloor(b *testing.B) {
	floor := &runtime.Extension{
		Name: "floor",
		JS:   []runtime.Script{{Name: "ext:floor/floor.js", Source: `core.onEvent("fetch", (id) => { ops.op_floor_respond(id); core.requestDone(id); });`}},
		Ops: []runtime.Op{{Name: "op_floor_respond", Sync: func(c *runtime.Call) (any, error) {
			req, err := c.RequestArg(0)
			if err != nil {
				return nil, err
			}
			err = req.WithWriter(func(w http.ResponseWriter) error {
				_, err := io.WriteString(w, "hello")
				return err
			})
			req.Finish(err)
			return nil, nil
		}}},
	}
	entry := filepath.Join(b.TempDir(), "worker.js")
	if err := os.WriteFile(entry, []byte(`export default { fetch() {} }`), 0o644); err != nil {
		b.Fatal(err)
	}
	p, err := runtime.NewPool(runtime.Config{Script: entry, Extensions: []*runtime.Extension{floor}, Logger: zap.NewNop()})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	benchmarkHello(b, p)
}

// BenchmarkDispatchHello is one GET through the pool to a worker that
// answers "hello", with as many isolates as CPUs.
func BenchmarkDispatchHello(b *testing.B) {
	p := newPool(b, `export default { fetch() { return new Response("hello") } }`, poolOptions{isolates: -1})
	benchmarkHello(b, p)
}

func benchmarkHello(b *testing.B, p *runtime.Pool) {
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			w := httptest.NewRecorder()
			if err := p.Dispatch(w, httptest.NewRequest("GET", "http://example.com/", nil)); err != nil {
				b.Fatal(err)
			}
			if w.Body.String() != "hello" {
				b.Fatalf("body %q", w.Body.String())
			}
		}
	})
}
