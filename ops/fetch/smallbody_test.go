package fetch

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// smallBodyWorkerJS exercises a subrequest's body that comes back whole
// with the head (small, complete) and the ones that still stream. Each
// case answers one line the Go test checks.
const smallBodyWorkerJS = `
const dec = new TextDecoder();
async function errorOf(p) {
  try { await p; return "no error"; } catch (e) { return e.name + ": " + e.message; }
}
const cases = {
  async text(req) {
    const r = await fetch(new URL("/small/text", req.url));
    const before = r.bodyUsed;
    const t = await r.text();
    return [r.status, r.statusText, r.headers.get("content-type"), r.headers.get("x-small"), before, r.bodyUsed, t,
      await errorOf(r.text()), await errorOf(r.arrayBuffer())].join("|");
  },
  async clone(req) {
    const r = await fetch(new URL("/small/text", req.url));
    const c = r.clone();
    const a = await r.text();
    const b = new Uint8Array(await c.arrayBuffer());
    const bin = await fetch(new URL("/small/binary", req.url));
    const bc = bin.clone();
    const x = new Uint8Array(await bin.arrayBuffer());
    const y = await bc.bytes();
    let same = x.length === 256 && y.length === 256;
    for (let i = 0; i < 256; i++) same = same && x[i] === i && y[i] === i;
    return [a, dec.decode(b), r.bodyUsed, c.bodyUsed, same].join("|");
  },
  async stream(req) {
    const r = await fetch(new URL("/small/text", req.url));
    const reader = r.body.getReader();
    let s = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      s += dec.decode(value);
    }
    return [s, r.bodyUsed, await errorOf(r.text())].join("|");
  },
  async bytesKept(req) {
    // Not valid UTF-8, and a BOM: text() decodes, the bytes stay as sent.
    const bad = await fetch(new URL("/small/invalid", req.url));
    const badBytes = await bad.clone().bytes();
    const badText = await bad.text();
    const bom = await fetch(new URL("/small/bom", req.url));
    const bomBytes = await bom.clone().bytes();
    const bomText = await bom.text();
    const json = await (await fetch(new URL("/small/json", req.url))).json();
    const round = await (await fetch(new URL("/small/text", req.url))).bytes();
    return [Array.from(badBytes).join(","), JSON.stringify(badText), bomBytes.length, bomText, json.ok, round.length].join("|");
  },
  async passOn(req) {
    // The body, whole in JS, goes on as a response body.
    return new Response((await fetch(new URL("/small/text", req.url))).body);
  },
  async big(req) {
    // More than 64 KiB before any flush: the head comes with the first
    // bytes and the rest streams while the handler still writes.
    const r = await fetch(new URL("/small/big", req.url));
    const reader = r.body.getReader();
    let n = 0;
    while (n < 70000) {
      const { done, value } = await reader.read();
      if (done) return "ended early at " + n;
      n += value.length;
    }
    await (await fetch(new URL("/small/ack", req.url))).text();
    let rest = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += dec.decode(value);
    }
    return n + "|" + rest;
  },
  async failsUnflushed(req) {
    return errorOf(fetch(new URL("/small/fail-after-write", req.url)));
  },
  async signalAbortAfter(req) {
    const ac = new AbortController();
    const r = await fetch(new URL("/small/text", req.url), { signal: ac.signal });
    ac.abort(new RangeError("gone"));
    const kept = await fetch(new URL("/small/text", req.url), { signal: new AbortController().signal });
    return (await errorOf(r.text())) + "|" + (await kept.text());
  },
  async slowSmall(req) {
    // A small body slow to come: fetch() resolves on its head.
    const origin = req.headers.get("x-origin");
    const r = await fetch(origin + "/slow-small");
    await (await fetch(origin + "/release")).text();
    return r.status + "|" + (await r.text());
  },
  async slowHalves(req) {
    // A small body that comes in two parts: the first is read before
    // the server sends the second.
    const origin = req.headers.get("x-origin");
    const r = await fetch(origin + "/slow-halves");
    const reader = r.body.getReader();
    const first = dec.decode((await reader.read()).value);
    await (await fetch(origin + "/release")).text();
    let rest = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += dec.decode(value);
    }
    return first + "|" + rest;
  },
  async networkSmall(req) {
    const origin = req.headers.get("x-origin");
    const r = await fetch(origin + "/small");
    const c = r.clone();
    return [await r.text(), await c.text(), r.headers.get("content-length")].join("|");
  },
};
export default {
  async fetch(request) {
    const name = pathOf(request.url).slice(1);
    const out = await cases[name](request);
    return out instanceof Response ? out : new Response(String(out));
  },
};
`

// smallNext is the next handler of the small-body tests.
func smallNext(ack chan struct{}) func(w http.ResponseWriter, r *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		switch r.URL.Path {
		case "/small/text":
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Header().Set("X-Small", "1")
			io.WriteString(w, "hello, ")
			io.WriteString(w, "world ✓")
		case "/small/binary":
			w.Header().Set("Content-Type", "application/octet-stream")
			b := make([]byte, 256)
			for i := range b {
				b[i] = byte(i)
			}
			w.Write(b)
		case "/small/invalid":
			w.Header().Set("Content-Type", "text/plain")
			w.Write([]byte{'a', 0xff, 'b', 0xc3})
		case "/small/bom":
			w.Header().Set("Content-Type", "text/plain")
			w.Write([]byte("\xef\xbb\xbfhi"))
		case "/small/json":
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"ok":true}`)
		case "/small/big":
			chunk := strings.Repeat("x", 10000)
			for range 7 {
				io.WriteString(w, chunk)
			}
			select {
			case <-ack:
				io.WriteString(w, "end")
			case <-time.After(5 * time.Second):
				io.WriteString(w, "no-ack")
			}
		case "/small/ack":
			ack <- struct{}{}
		case "/small/fail-after-write":
			io.WriteString(w, "partial")
			panic(http.ErrAbortHandler)
		default:
			http.NotFound(w, r)
		}
		return nil
	}
}

func TestSmallBodyWithHead(t *testing.T) {
	p, _ := newSubrequestPoolSource(t, smallBodyWorkerJS+pathOfJS, nil)
	next := smallNext(make(chan struct{}))
	for _, c := range []struct{ name, want string }{
		{"text", "200|OK|text/plain; charset=utf-8|1|false|true|hello, world ✓|TypeError: Body has already been used|TypeError: Body has already been used"},
		{"clone", "hello, world ✓|hello, world ✓|true|true|true"},
		{"stream", "hello, world ✓|true|TypeError: Body has already been used"},
		{"bytesKept", "97,255,98,195|\"a\ufffdb\ufffd\"|5|hi|true|16"},
		{"passOn", "hello, world ✓"},
		{"big", "70000|end"},
		{"failsUnflushed", "TypeError: fetch to http://worker.test/small/fail-after-write failed: the next handler failed: it aborted the response"},
		{"signalAbortAfter", "RangeError: gone|hello, world ✓"},
	} {
		r := httptest.NewRequest("GET", "http://worker.test/"+c.name, nil)
		w := httptest.NewRecorder()
		if err := p.DispatchNext(w, r, next); err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got := w.Body.String(); got != c.want {
			t.Errorf("%s:\ngot  %q\nwant %q", c.name, got, c.want)
		}
	}
}

func TestSmallBodyOverNetwork(t *testing.T) {
	release := make(chan struct{}, 1)
	var late atomic.Bool
	mux := http.NewServeMux()
	mux.HandleFunc("/small", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "tiny")
	})
	mux.HandleFunc("/slow-small", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "5")
		w.WriteHeader(200)
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-time.After(3 * time.Second):
			late.Store(true)
		}
		io.WriteString(w, "hello")
	})
	mux.HandleFunc("/slow-halves", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "10")
		io.WriteString(w, "hello")
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-time.After(3 * time.Second):
			late.Store(true)
		}
		io.WriteString(w, "world")
	})
	mux.HandleFunc("/release", func(w http.ResponseWriter, r *http.Request) { release <- struct{}{} })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	p, _ := newSubrequestPoolSource(t, smallBodyWorkerJS+pathOfJS, allowLoopback())
	for _, c := range []struct{ name, want string }{
		{"networkSmall", "tiny|tiny|4"},
		{"slowSmall", "200|hello"},
		{"slowHalves", "hello|world"},
	} {
		w := call(t, p, "GET", c.name, nil, map[string]string{"x-origin": srv.URL}, nil)
		if got := w.Body.String(); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
	if late.Load() {
		t.Error("slowSmall or slowHalves: fetch() or a read waited for all of a slow small body")
	}
}

// TestReadSmall checks, in Go, which responses come back whole with
// their head and which stream.
func TestReadSmall(t *testing.T) {
	big := strings.Repeat("y", smallBody+1)
	for _, c := range []struct {
		name      string
		handler   func(w http.ResponseWriter, r *http.Request) error
		whole     bool
		body      string
		status    int
		wantError string
	}{
		{"small", func(w http.ResponseWriter, r *http.Request) error {
			io.WriteString(w, "ab")
			io.WriteString(w, "cd")
			return nil
		}, true, "abcd", 200, ""},
		{"no body", func(w http.ResponseWriter, r *http.Request) error {
			w.WriteHeader(http.StatusNotFound)
			return nil
		}, true, "", 404, ""},
		{"informational first", func(w http.ResponseWriter, r *http.Request) error {
			w.WriteHeader(http.StatusEarlyHints)
			w.WriteHeader(http.StatusCreated)
			io.WriteString(w, "made")
			return nil
		}, true, "made", 201, ""},
		{"exactly the limit", func(w http.ResponseWriter, r *http.Request) error {
			io.WriteString(w, big[1:])
			return nil
		}, true, big[1:], 200, ""},
		{"flushed", func(w http.ResponseWriter, r *http.Request) error {
			io.WriteString(w, "a")
			w.(http.Flusher).Flush()
			io.WriteString(w, "b")
			return nil
		}, false, "ab", 200, ""},
		{"too big", func(w http.ResponseWriter, r *http.Request) error {
			io.WriteString(w, big)
			return nil
		}, false, big, 200, ""},
		{"failed", func(w http.ResponseWriter, r *http.Request) error {
			io.WriteString(w, "partial")
			return io.ErrClosedPipe
		}, false, "", 0, "the next handler failed: io: read/write on closed pipe"},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		s := &subreq{ctx: ctx, cancel: cancel}
		in := httptest.NewRequest("GET", "http://worker.test/", nil)
		h := &hop{method: "GET", url: in.URL, header: http.Header{}, length: -1}
		res, err := s.sendNext(h, in, c.handler)
		if c.wantError != "" {
			if err == nil || err.Error() != c.wantError {
				t.Errorf("%s: error %v, want %q", c.name, err, c.wantError)
			}
			cancel()
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		whole, rest := readSmall(res)
		var got []byte
		if rest != nil {
			got, err = io.ReadAll(rest)
			if err != nil {
				t.Errorf("%s: reading the stream: %v", c.name, err)
			}
		} else {
			got = whole
		}
		if (rest == nil) != c.whole || string(got) != c.body || res.StatusCode != c.status {
			t.Errorf("%s: whole %v, status %d, %d bytes; want whole %v, status %d, %d bytes", c.name, rest == nil, res.StatusCode, len(got), c.whole, c.status, len(c.body))
		}
		cancel()
	}

	// Over the network: a small Content-Length comes whole; an unknown or
	// large one streams.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/small":
			io.WriteString(w, "tiny")
		case "/empty":
		case "/chunked":
			io.WriteString(w, "a")
			w.(http.Flusher).Flush()
			io.WriteString(w, "b")
		case "/big":
			io.WriteString(w, big)
		}
	}))
	defer srv.Close()
	for _, c := range []struct {
		path  string
		whole bool
		body  string
	}{{"/small", true, "tiny"}, {"/empty", true, ""}, {"/chunked", false, "ab"}, {"/big", false, big}} {
		res, err := http.Get(srv.URL + c.path)
		if err != nil {
			t.Fatal(err)
		}
		whole, rest := readSmall(res)
		got := whole
		if rest != nil {
			got, _ = io.ReadAll(rest)
			rest.Close()
		}
		if (rest == nil) != c.whole || string(got) != c.body {
			t.Errorf("network %s: whole %v, %d bytes; want whole %v, %d bytes", c.path, rest == nil, len(got), c.whole, len(c.body))
		}
	}
}
