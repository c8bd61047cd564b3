package fetch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	goruntime "runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/worky-dev/worky/ops/blob"
	"github.com/worky-dev/worky/ops/dom"
	"github.com/worky-dev/worky/ops/encoding"
	"github.com/worky-dev/worky/ops/events"
	"github.com/worky-dev/worky/ops/opstest"
	"github.com/worky-dev/worky/ops/streams"
	"github.com/worky-dev/worky/ops/timers"
	"github.com/worky-dev/worky/ops/url"
	"github.com/worky-dev/worky/ops/webidl"
	"github.com/worky-dev/worky/runtime"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

// origin is the test's network server: the far end of fetch().
type origin struct {
	*httptest.Server
	echoed        chan string
	hangStarted   chan struct{}
	ack           chan struct{}
	slowCancelled chan struct{}
	inflight      atomic.Int64
	maxInflight   atomic.Int64
}

func newOrigin(t *testing.T) *origin {
	o := &origin{
		hangStarted:   make(chan struct{}, 1),
		echoed:        make(chan string, 100),
		ack:           make(chan struct{}, 1),
		slowCancelled: make(chan struct{}),
	}
	var slowOnce sync.Once
	mux := http.NewServeMux()
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		select {
		case o.echoed <- string(body):
		default:
		}
		w.Header().Set("x-got-type", r.Header.Get("Content-Type"))
		w.Header().Set("x-got-length", strconv.FormatInt(r.ContentLength, 10))
		w.Header().Set("x-got-method", r.Method)
		w.Write(body)
	})
	mux.HandleFunc("/redirect/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.PathValue("n"))
		if n == 0 {
			io.WriteString(w, "done")
			return
		}
		http.Redirect(w, r, "/redirect/"+strconv.Itoa(n-1), http.StatusFound)
	})
	mux.HandleFunc("/redirect303", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/echo", http.StatusSeeOther)
	})
	mux.HandleFunc("/to-localhost", func(w http.ResponseWriter, r *http.Request) {
		_, port, _ := net.SplitHostPort(r.Host)
		http.Redirect(w, r, "http://localhost:"+port+"/echo", http.StatusFound)
	})
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) {
		select {
		case o.hangStarted <- struct{}{}:
		default:
		}
		<-r.Context().Done()
	})
	mux.HandleFunc("/wait-hang", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-o.hangStarted:
		case <-time.After(5 * time.Second):
		}
	})
	mux.HandleFunc("/slow-body", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "first")
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
			slowOnce.Do(func() { close(o.slowCancelled) })
		case <-time.After(10 * time.Second):
		}
	})
	mux.HandleFunc("/stream", func(w http.ResponseWriter, r *http.Request) {
		for _, s := range []string{"one", "two", "end"} {
			io.WriteString(w, s)
			w.(http.Flusher).Flush()
			if s == "end" {
				return
			}
			select {
			case <-o.ack:
			case <-time.After(5 * time.Second):
				io.WriteString(w, "-no-ack")
				return
			}
		}
	})
	mux.HandleFunc("/late-chunks", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "a")
		w.(http.Flusher).Flush()
		time.Sleep(1500 * time.Millisecond) // longer than TestFetchNetworkFailures' subrequest timeout
		io.WriteString(w, "b")
	})
	mux.HandleFunc("/ack", func(w http.ResponseWriter, r *http.Request) {
		o.ack <- struct{}{}
	})
	mux.HandleFunc("/count", func(w http.ResponseWriter, r *http.Request) {
		n := o.inflight.Add(1)
		for {
			m := o.maxInflight.Load()
			if n <= m || o.maxInflight.CompareAndSwap(m, n) {
				break
			}
		}
		time.Sleep(150 * time.Millisecond)
		o.inflight.Add(-1)
		io.WriteString(w, "ok")
	})
	o.Server = httptest.NewServer(mux)
	t.Cleanup(o.Close)
	return o
}

func subrequestFamilies() []*runtime.Extension {
	return []*runtime.Extension{
		webidl.Extension(),
		dom.Extension(),
		events.Extension(),
		timers.Extension(),
		streams.Extension(),
		url.Extension(),
		encoding.Extension(),
		blob.Extension(),
		Extension(),
	}
}

// newSubrequestPool starts testdata/subrequest_worker.js with opts (nil:
// the defaults) and returns it with the log lines it writes.
func newSubrequestPool(t *testing.T, opts *Options) (*runtime.Pool, *observer.ObservedLogs) {
	t.Helper()
	src, err := os.ReadFile("testdata/subrequest_worker.js")
	if err != nil {
		t.Fatal(err)
	}
	return newSubrequestPoolSource(t, string(src), opts)
}

// newSubrequestPoolSource starts the worker src with opts (nil: the
// defaults) and returns it with the log lines it writes.
func newSubrequestPoolSource(t *testing.T, src string, opts *Options) (*runtime.Pool, *observer.ObservedLogs) {
	t.Helper()
	entry := filepath.Join(t.TempDir(), "worker.js")
	if err := os.WriteFile(entry, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	core, logs := observer.New(zapcore.DebugLevel)
	res := map[string]any{}
	if opts != nil {
		res[ResourceName] = opts
	}
	p, err := runtime.NewPool(runtime.Config{
		Name:       t.Name(),
		Script:     entry,
		Isolates:   1,
		Extensions: subrequestFamilies(),
		Logger:     zap.New(core),
		Resources:  res,
	})
	if err != nil {
		t.Fatalf("starting the worker: %v", err)
	}
	t.Cleanup(func() { p.Close() })
	return p, logs
}

type ctxKey struct{}

// call dispatches method http://worker.test/<path> with the given origin
// in x-origin and next after the worker.
func call(t *testing.T, p *runtime.Pool, method, path string, body io.Reader, hdr map[string]string, next runtime.NextFunc) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, "http://worker.test/"+path, body)
	r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, "caddy-vars"))
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	if err := p.DispatchNext(w, r, next); err != nil {
		t.Fatalf("%s %s: Dispatch: %v", method, path, err)
	}
	return w
}

func lines(t *testing.T, what string, w *httptest.ResponseRecorder) []string {
	t.Helper()
	if w.Code != 200 {
		t.Fatalf("%s: status %d, body %q", what, w.Code, w.Body.String())
	}
	return strings.Split(w.Body.String(), "\n")
}

func allowLoopback() *Options { return &Options{Egress: EgressPolicy{AllowPrivate: true}} }

func TestFetchBodies(t *testing.T) {
	o := newOrigin(t)
	p, _ := newSubrequestPool(t, allowLoopback())
	got := lines(t, "bodies", call(t, p, "GET", "bodies", nil, map[string]string{"x-origin": o.URL}, nil))
	want := []string{
		"string|200|text/plain;charset=UTF-8|5|hello",
		"bytes|200||2|hi",
		"", // form: checked below
		"params|200|application/x-www-form-urlencoded;charset=UTF-8|7|a=1&b=2",
		"blob|200|text/x-blob|5|blob!",
		"stream|200||-1|stream",
		"request|200|PUT|from a Request",
		"url|200|GET|" + o.URL + "/echo?q=1|false",
	}
	if len(got) < len(want) {
		t.Fatalf("bodies: got %d lines %q, want %d", len(got), got, len(want))
	}
	for i, w := range want {
		if i == 2 {
			if !strings.HasPrefix(got[i], "form|200|multipart/form-data; boundary=") || !strings.Contains(got[i], `~Content-Disposition: form-data; name="field"~~value~`) {
				t.Errorf("form body: got %q", got[i])
			}
			continue
		}
		if got[i] != w {
			t.Errorf("bodies line %d: got %q, want %q", i, got[i], w)
		}
	}
}

func TestFetchRedirects(t *testing.T) {
	o := newOrigin(t)
	p, _ := newSubrequestPool(t, allowLoopback())
	got := lines(t, "redirects", call(t, p, "GET", "redirects", nil, map[string]string{"x-origin": o.URL}, nil))
	want := []string{
		"follow|200|true|" + o.URL + "/redirect/0|done",
		"manual|302|false|/redirect/2",
		`error|TypeError: fetch to ` + o.URL + `/redirect/3 failed: the server redirected (302 to /redirect/2) and the request's redirect mode is "error"`,
		"twenty|200|done",
		"twentyone|TypeError: fetch to " + o.URL + "/redirect/1 failed: more than 20 redirects",
		"303|200|GET",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("redirects:\ngot  %q\nwant %q", got, want)
	}
}

func TestFetchAbort(t *testing.T) {
	o := newOrigin(t)
	p, _ := newSubrequestPool(t, allowLoopback())
	hdr := map[string]string{"x-origin": o.URL}
	if got := call(t, p, "GET", "abortBefore", nil, hdr, nil).Body.String(); got != "Error: stop before" {
		t.Errorf("abort before: got %q", got)
	}
	if got := call(t, p, "GET", "abortPending", nil, hdr, nil).Body.String(); !strings.HasPrefix(got, "AbortError: ") {
		t.Errorf("abort while waiting for headers: got %q", got)
	}
	if got := call(t, p, "GET", "abortMidBody", nil, hdr, nil).Body.String(); got != "first|RangeError: enough" {
		t.Errorf("abort mid-body: got %q", got)
	}
	select {
	case <-o.slowCancelled:
	case <-time.After(5 * time.Second):
		t.Error("abort mid-body: the server's request was not cancelled")
	}
}

func TestFetchStreamsResponse(t *testing.T) {
	o := newOrigin(t)
	p, _ := newSubrequestPool(t, allowLoopback())
	if got := call(t, p, "GET", "streaming", nil, map[string]string{"x-origin": o.URL}, nil).Body.String(); got != "one,two,end" {
		t.Errorf("streamed response: got %q, want chunks one,two,end each read before the next was sent", got)
	}
}

func TestFetchNetworkFailures(t *testing.T) {
	o := newOrigin(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String() + "/"
	l.Close()
	tlsServer := httptest.NewTLSServer(http.NotFoundHandler())
	defer tlsServer.Close()
	// The timeout also bounds the TLS handshake of the certificate case,
	// which takes a few hundred milliseconds under -race on a loaded
	// machine: 300ms made this test fail 1 run in 6.
	p, _ := newSubrequestPool(t, &Options{Egress: EgressPolicy{AllowPrivate: true}, SubrequestTimeout: time.Second})
	got := lines(t, "failures", call(t, p, "GET", "failures", nil, map[string]string{"x-origin": o.URL, "x-closed": closed, "x-tls": tlsServer.URL + "/"}, nil))
	want := []string{
		"refused|TypeError: fetch to " + closed + " failed: connection to " + l.Addr().String() + " refused",
		"dns|TypeError: fetch to http://no-such-host.invalid/ failed: DNS lookup of no-such-host.invalid failed",
		"timeout|TypeError: fetch to " + o.URL + "/hang failed: timed out after 1s",
		"scheme|TypeError: fetch to ftp://example.com/ failed: only http: and https: URLs can be fetched",
		"tls|TypeError: fetch to " + tlsServer.URL + "/ failed: TLS certificate of " + tlsServer.Listener.Addr().String() + " not accepted: ",
		// The timeout bounds the wait for the headers, not the body.
		"late|ab",
	}
	for i, w := range want {
		if i >= len(got) || !strings.HasPrefix(got[i], w) {
			t.Errorf("failure %d: got %q, want it to start with %q", i, got, w)
		}
	}
}

func TestFetchEgressPolicy(t *testing.T) {
	o := newOrigin(t)
	p, logs := newSubrequestPool(t, nil)
	_, port, _ := net.SplitHostPort(o.Listener.Addr().String())
	got := lines(t, "ssrf", call(t, p, "GET", "ssrf", nil, map[string]string{"x-origin": o.URL}, nil))
	want := []string{
		"TypeError: fetch to http://127.0.0.1:" + port + "/ refused by the worker's egress policy: 127.0.0.1 is a loopback address",
		"TypeError: fetch to http://[::1]:" + port + "/ refused by the worker's egress policy: ::1 is a loopback address",
		"TypeError: fetch to http://10.0.0.1/ refused by the worker's egress policy: 10.0.0.1 is a private address",
		"TypeError: fetch to http://localhost:" + port + "/ refused by the worker's egress policy: ",
		"TypeError: fetch to http://169.254.169.254/latest/meta-data/ refused by the worker's egress policy: 169.254.169.254 is a cloud metadata address",
		"TypeError: fetch to http://[::ffff:7f00:1]:" + port + "/ refused by the worker's egress policy: 127.0.0.1 is a loopback address",
		"TypeError: fetch to http://100.64.1.1/ refused by the worker's egress policy: 100.64.1.1 is a carrier-grade NAT (100.64.0.0/10) address",
	}
	for i, w := range want {
		if i >= len(got) || !strings.HasPrefix(got[i], w) {
			g := ""
			if i < len(got) {
				g = got[i]
			}
			t.Errorf("ssrf %d: got %q, want it to start with %q", i, g, w)
		}
	}
	// Outside a request (top-level or Eval) the policy holds too.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := p.Eval(ctx, `return await fetch("http://10.0.0.1/").then(() => "resolved", (e) => e.message)`)
	if err != nil || out != `"fetch to http://10.0.0.1/ refused by the worker's egress policy: 10.0.0.1 is a private address"` {
		t.Errorf("fetch outside a request: %s, %v", out, err)
	}
	if n := logs.FilterMessage("subrequest refused by the egress policy").Len(); n != len(want)+1 {
		t.Errorf("refusals logged: %d, want %d", n, len(want)+1)
	}

	// A redirect hop is checked again: loopback allowed, but not by the
	// name the redirect goes to.
	p2, _ := newSubrequestPool(t, &Options{Egress: EgressPolicy{AllowPrivate: true, Deny: []string{"localhost"}}})
	if got, w := call(t, p2, "GET", "redirectHop", nil, map[string]string{"x-origin": o.URL}, nil).Body.String(),
		"TypeError: fetch to http://localhost:"+port+"/echo refused by the worker's egress policy: host localhost matches the deny pattern \"localhost\""; got != w {
		t.Errorf("redirect hop: got %q, want %q", got, w)
	}
	p3, _ := newSubrequestPool(t, &Options{Egress: EgressPolicy{Allow: []string{"*.example.com"}}})
	if got, w := call(t, p3, "GET", "allowList", nil, nil, nil).Body.String(),
		"TypeError: fetch to http://example.net/ refused by the worker's egress policy: host example.net is not in the allow list"; got != w {
		t.Errorf("allow list: got %q, want %q", got, w)
	}
}

func TestAddressReason(t *testing.T) {
	for _, c := range []struct{ ip, want string }{
		{"127.0.0.1", "loopback"}, {"::1", "loopback"}, {"10.1.2.3", "private"}, {"172.16.0.1", "private"},
		{"192.168.1.1", "private"}, {"fc00::1", "private"}, {"fd00:ec2::254", "metadata"}, {"169.254.169.254", "metadata"},
		{"169.254.1.1", "link-local"}, {"fe80::1", "link-local"}, {"100.64.0.1", "carrier-grade"}, {"224.0.0.1", "multicast"},
		{"ff02::1", "multicast"}, {"0.0.0.0", "unspecified"}, {"::", "unspecified"}, {"::ffff:10.0.0.1", "private"},
		{"64:ff9b::a00:1", "(NAT64): 10.0.0.1 is a private"}, {"64:ff9b::808:808", ""}, {"255.255.255.255", "broadcast"},
		{"8.8.8.8", ""}, {"2606:4700::1111", ""}, {"172.32.0.1", ""},
	} {
		got := addressReason(netipMust(c.ip))
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("addressReason(%s) = %q, want one naming %q", c.ip, got, c.want)
		}
	}
	for _, c := range []struct {
		pattern, host string
		want          bool
	}{
		{"*.example.com", "a.example.com", true}, {"*.example.com", "example.com", false},
		{"*.example.com", "a.b.example.com", true}, {"example.com", "EXAMPLE.com", true}, {"*", "x", true},
		{"*.example.com", "badexample.com", false},
	} {
		if got := matchHost(c.pattern, c.host); got != c.want {
			t.Errorf("matchHost(%q, %q) = %v, want %v", c.pattern, c.host, got, c.want)
		}
	}
}

// origins is the next handler of the same-host tests, standing in for
// Caddy's reverse_proxy.
func originNext(t *testing.T, seen *atomic.Int64) runtime.NextFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if seen != nil {
			seen.Add(1)
		}
		switch r.URL.Path {
		case "/origin/upload":
			body, _ := io.ReadAll(r.Body)
			w.Header().Set("x-origin-saw", fmt.Sprintf("%s %s %s ctx=%v sub=%s chunked=%v", r.Method, r.URL.RequestURI(), body, r.Context().Value(ctxKey{}), r.Header.Get("x-sub"), r.ContentLength == -1))
			for _, s := range []string{"a", "b", "c"} {
				io.WriteString(w, s)
				w.(http.Flusher).Flush()
			}
		case "/origin/ignore":
			io.WriteString(w, "ignored")
		case "/origin/fail":
			return errors.New("no upstream is healthy")
		case "/origin/slow-sink":
			io.Copy(io.Discard, r.Body)
			<-r.Context().Done()
		case "/origin/sink", "/forward":
			n, err := io.Copy(io.Discard, r.Body)
			fmt.Fprintf(w, "%s %s got %d bytes err=%v x-h=%s ctx=%v", r.Method, r.URL.Path, n, err, r.Header.Get("x-h"), r.Context().Value(ctxKey{}))
		default:
			body, _ := io.ReadAll(r.Body)
			w.Header().Set("x-from", "origin")
			fmt.Fprintf(w, "origin got %s %s: %s", r.Method, r.URL.Path, body)
		}
		return nil
	}
}

func TestSameHostGoesToNext(t *testing.T) {
	p, _ := newSubrequestPool(t, nil)
	var seen atomic.Int64
	w := call(t, p, "GET", "sameHost", nil, nil, originNext(t, &seen))
	if got, want := w.Body.String(), "200|POST /origin/upload?x=1 up-stream ctx=caddy-vars sub=1 chunked=true|a+b+c"; got != want {
		t.Errorf("same-host subrequest: got %q, want %q", got, want)
	}
	if seen.Load() != 1 {
		t.Errorf("next handler called %d times, want 1", seen.Load())
	}
	if got, want := call(t, p, "GET", "nextFails", nil, nil, originNext(t, nil)).Body.String(),
		"TypeError: fetch to http://worker.test/origin/fail failed: the next handler failed: no upstream is healthy"; got != want {
		t.Errorf("next handler failing: got %q, want %q", got, want)
	}
	if got, want := call(t, p, "GET", "abortUpload", nil, nil, originNext(t, nil)).Body.String(),
		"Error: user gave up|cancelled: Error: user gave up"; got != want {
		t.Errorf("aborting a streamed upload: got %q, want %q", got, want)
	}
	// A next handler that panics (reverse_proxy does, with
	// http.ErrAbortHandler) must fail the subrequest, not the process.
	panicky := func(w http.ResponseWriter, r *http.Request) error { panic("boom") }
	if got, want := call(t, p, "GET", "nextFails", nil, nil, panicky).Body.String(),
		"TypeError: fetch to http://worker.test/origin/fail failed: the next handler failed: it panicked: boom"; got != want {
		t.Errorf("next handler panicking: got %q, want %q", got, want)
	}
	aborting := func(w http.ResponseWriter, r *http.Request) error { panic(http.ErrAbortHandler) }
	if got, want := call(t, p, "GET", "nextFails", nil, nil, aborting).Body.String(),
		"TypeError: fetch to http://worker.test/origin/fail failed: the next handler failed: it aborted the response"; got != want {
		t.Errorf("next handler aborting: got %q, want %q", got, want)
	}
	stopped := make(chan error, 1)
	endless := func(w http.ResponseWriter, r *http.Request) error {
		for {
			if _, err := io.WriteString(w, "x"); err != nil {
				stopped <- fmt.Errorf("write: %w (ctx: %v)", err, r.Context().Err())
				return nil
			}
			w.(http.Flusher).Flush()
		}
	}
	if got, want := call(t, p, "GET", "sameHostAbort", nil, nil, endless).Body.String(), "true|Error: cut"; got != want {
		t.Errorf("aborting a same-host response mid-body: got %q, want %q", got, want)
	}
	select {
	case err := <-stopped:
		t.Logf("the next handler stopped: %v", err)
	case <-time.After(5 * time.Second):
		t.Error("aborting a same-host response mid-body: the next handler kept writing")
	}
	if got, want := call(t, p, "GET", "unreadUpload", nil, nil, originNext(t, nil)).Body.String(), "ignored|cancelled|true"; got != want {
		t.Errorf("a streamed body the next handler does not read: got %q, want %q", got, want)
	}
	// fetch(request) forwards the incoming request unchanged.
	w = call(t, p, "PUT", "forward", strings.NewReader("payload"), map[string]string{"x-h": "kept"}, originNext(t, nil))
	if got, want := w.Body.String(), "PUT /forward got 7 bytes err=<nil> x-h=kept ctx=caddy-vars"; got != want {
		t.Errorf("forwarded request: got %q, want %q", got, want)
	}
}

func TestPassThroughOnException(t *testing.T) {
	p, _ := newSubrequestPool(t, nil)
	w := call(t, p, "POST", "pass-async", strings.NewReader("the original body"), nil, originNext(t, nil))
	checkResponse(t, "async throw", w, 200, "origin got POST /pass-async: the original body")
	if w.Header().Get("x-from") != "origin" {
		t.Errorf("pass-through: headers %v lack the origin's", w.Header())
	}
	w = call(t, p, "POST", "pass-sync", strings.NewReader("sync body"), nil, originNext(t, nil))
	checkResponse(t, "sync throw", w, 200, "origin got POST /pass-sync: sync body")
	// Without a next handler it is a plain exception.
	r := httptest.NewRequest("POST", "http://worker.test/pass-sync", strings.NewReader("x"))
	if err := p.DispatchNext(httptest.NewRecorder(), r, nil); err == nil || !strings.Contains(err.Error(), "sync boom") {
		t.Errorf("pass-through without next: Dispatch error %v, want the script's exception", err)
	}
	// Body read before the call: cannot be replayed, so an exception.
	r = httptest.NewRequest("POST", "http://worker.test/pass-late", strings.NewReader("late body"))
	if err := p.DispatchNext(httptest.NewRecorder(), r, originNext(t, nil)); err == nil || !strings.Contains(err.Error(), "late") {
		t.Errorf("pass-through after reading the body: Dispatch error %v, want the script's exception", err)
	}
}

func TestCf(t *testing.T) {
	p, _ := newSubrequestPool(t, nil)
	var got struct {
		Cf     map[string]any `json:"cf"`
		Frozen bool           `json:"frozen"`
		Keys   []string       `json:"keys"`
	}
	w := call(t, p, "GET", "cf", nil, nil, nil)
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatalf("cf: %v in %q", err, w.Body.String())
	}
	if got.Cf["httpProtocol"] != "HTTP/1.1" || !got.Frozen || len(got.Keys) != 1 {
		t.Errorf("cf over http: %s, want a frozen {httpProtocol: \"HTTP/1.1\"} only", w.Body.String())
	}
	r := httptest.NewRequest("GET", "https://worker.test/cf", nil)
	w = httptest.NewRecorder()
	if err := p.Dispatch(w, r); err != nil {
		t.Fatal(err)
	}
	got.Cf, got.Keys = nil, nil
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatalf("cf: %v in %q", err, w.Body.String())
	}
	if got.Cf["tlsVersion"] != "TLS 1.2" || got.Cf["tlsCipher"] == nil || len(got.Keys) != 3 {
		t.Errorf("cf over https: %s, want httpProtocol, tlsVersion and tlsCipher", w.Body.String())
	}
}

func TestSubrequestLimits(t *testing.T) {
	o := newOrigin(t)
	p, _ := newSubrequestPool(t, allowLoopback())
	got := lines(t, "tooMany", call(t, p, "GET", "tooMany", nil, map[string]string{"x-origin": o.URL}, originNext(t, nil)))
	if len(got) != 2 || got[0] != "50 ok" || got[1] != "Error: Too many subrequests: this request already made 50, the worker's limit is 50 per request" {
		t.Errorf("51st subrequest: got %q", got)
	}
	w := call(t, p, "GET", "concurrent", nil, map[string]string{"x-origin": o.URL}, nil)
	checkResponse(t, "7 concurrent subrequests", w, 200, "ok,ok,ok,ok,ok,ok,ok")
	if m := o.maxInflight.Load(); m != 6 {
		t.Errorf("7 concurrent subrequests: the server saw at most %d at once, want 6", m)
	}
}

// zeros is an endless reader of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// TestLargeUploadStreams sends 100 MiB through the worker to the next
// handler, forwarded by Go (fetch(request)) and chunk by chunk through JS
// (body: request.body), and checks the heap never holds a large part.
func TestLargeUploadStreams(t *testing.T) {
	const size = 100 << 20
	p, _ := newSubrequestPool(t, nil)
	for _, path := range []string{"forward", "forwardStream"} {
		goruntime.GC()
		var base goruntime.MemStats
		goruntime.ReadMemStats(&base)
		var peak atomic.Uint64
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			var m goruntime.MemStats
			for {
				select {
				case <-stop:
					return
				case <-time.After(5 * time.Millisecond):
				}
				goruntime.ReadMemStats(&m)
				if m.HeapAlloc > peak.Load() {
					peak.Store(m.HeapAlloc)
				}
			}
		}()
		r := httptest.NewRequest("POST", "http://worker.test/"+path, io.LimitReader(zeros{}, size))
		r.ContentLength = size
		w := httptest.NewRecorder()
		start := time.Now()
		// The sink samples the heap every 4 MiB it receives, besides the
		// sampler goroutine, so the peak is seen however fast it goes.
		sink := func(w http.ResponseWriter, r *http.Request) error {
			buf := make([]byte, 32<<10)
			var n, mark int64
			var m goruntime.MemStats
			for {
				k, err := r.Body.Read(buf)
				n += int64(k)
				if n-mark >= 4<<20 {
					mark = n
					goruntime.ReadMemStats(&m)
					if m.HeapAlloc > peak.Load() {
						peak.Store(m.HeapAlloc)
					}
				}
				if err != nil {
					if err == io.EOF {
						err = nil
					}
					fmt.Fprintf(w, "POST %s got %d bytes err=%v", r.URL.Path, n, err)
					return nil
				}
			}
		}
		err := p.DispatchNext(w, r, sink)
		close(stop)
		<-done
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		wantPath := "/forward"
		if path == "forwardStream" {
			wantPath = "/origin/sink"
		}
		if want := fmt.Sprintf("POST %s got %d bytes err=<nil>", wantPath, size); !strings.HasPrefix(w.Body.String(), want) {
			t.Errorf("%s: got %q, want it to start with %q", path, w.Body.String(), want)
		}
		growth := int64(peak.Load()) - int64(base.HeapAlloc)
		t.Logf("%s: 100 MiB in %v, peak heap growth %.1f MiB", path, time.Since(start).Round(time.Millisecond), float64(growth)/(1<<20))
		if growth > 32<<20 {
			t.Errorf("%s: heap grew by %d MiB while streaming 100 MiB; the body was buffered", path, growth>>20)
		}
	}
}

func netipMust(s string) netip.Addr { return netip.MustParseAddr(s) }

// TestPassThroughServiceWorker is passThroughOnException on a FetchEvent
// (service-worker syntax), the body read by the worker replayed.
func TestPassThroughServiceWorker(t *testing.T) {
	p := newPool(t, `addEventListener("fetch", (e) => {
		e.passThroughOnException();
		e.respondWith((async () => { await e.request.arrayBuffer(); throw new Error("sw boom"); })());
	});`, poolOptions{})
	r := httptest.NewRequest("POST", "http://w.test/sw", strings.NewReader("service worker body"))
	w := httptest.NewRecorder()
	if err := p.DispatchNext(w, r, originNext(t, nil)); err != nil {
		t.Fatalf("Dispatch: %v", err)
	}
	checkResponse(t, "FetchEvent.passThroughOnException", w, 200, "origin got POST /sw: service worker body")
}

func TestFetchGlobal(t *testing.T) {
	opstest.RunCases(t, subrequestFamilies(), "testdata/fetch_global.js")
}

func TestFetchInWaitUntil(t *testing.T) {
	o := newOrigin(t)
	p, _ := newSubrequestPool(t, allowLoopback())
	checkResponse(t, "background", call(t, p, "GET", "background", nil, map[string]string{"x-origin": o.URL}, nil), 200, "sent")
	select {
	case got := <-o.echoed:
		if got != "in waitUntil" {
			t.Errorf("fetch in waitUntil: the server got %q", got)
		}
	case <-time.After(5 * time.Second):
		t.Error("fetch in waitUntil never reached the server")
	}
}
