package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/worky-dev/worky/runtime"
	"go.uber.org/zap"
)

// Outgoing fetch(). JS (fetch.js) builds the Request, numbers it and
// sends it (op_fetch_send, which counts it against the request's limit
// and resolves with the status and headers, and with the whole body when
// it is small and complete by then), streams a ReadableStream body to it chunk by chunk
// (op_fetch_req_write/op_fetch_req_end), reads the response body chunk by
// chunk (op_fetch_res_read), and cancels it on abort (op_fetch_abort).
// A subrequest to the incoming request's own host and port goes to the
// host's next handler in-process (Request.Next); any other goes through
// the isolate's http.Client, whose dialer applies the egress policy to
// the resolved address. Redirects are followed here, hop by hop, so every
// hop is routed and checked again.

type registryKey struct{}
type limitsKey struct{}
type inBodyKey struct{}

// maxRedirects is the Fetch standard's redirect limit.
const maxRedirects = 20

// registry is one isolate's subrequests in flight, and its client.
type registry struct {
	opts   Options
	client *http.Client
	log    *zap.Logger

	mu   sync.Mutex
	subs map[uint64]*subreq
}

func registryOf(it *runtime.Isolate) *registry {
	if r, ok := it.State(registryKey{}).(*registry); ok {
		return r
	}
	var o *Options
	switch v := it.Resource(ResourceName).(type) {
	case *Options:
		o = v
	case Options:
		o = &v
	}
	r := &registry{opts: o.withDefaults(), log: it.Logger(), subs: map[uint64]*subreq{}}
	r.client = newClient(&r.opts.Egress)
	it.SetState(registryKey{}, r)
	it.OnClose(func() {
		r.mu.Lock()
		subs := r.subs
		r.subs = map[uint64]*subreq{}
		r.mu.Unlock()
		for _, s := range subs {
			s.close()
		}
		r.client.CloseIdleConnections()
	})
	return r
}

func (r *registry) get(id uint64) *subreq {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.subs[id]
}

func (r *registry) remove(id uint64) {
	r.mu.Lock()
	s := r.subs[id]
	delete(r.subs, id)
	r.mu.Unlock()
	if s != nil {
		s.close()
	}
}

// limits counts one incoming request's subrequests.
type limits struct {
	count int
	slots chan struct{}
}

// subreq is one outgoing fetch().
type subreq struct {
	id     uint64
	ctx    context.Context
	cancel context.CancelFunc
	req    *runtime.Request // the incoming request, or nil outside one
	slots  chan struct{}
	timer  *time.Timer

	bodyR *io.PipeReader // a streamed request body
	bodyW *io.PipeWriter

	mu   sync.Mutex
	resp io.ReadCloser
	// whole is a response body read to its end with the head (at most
	// smallBody bytes), for op_fetch_res_take or the first
	// op_fetch_res_read; resp is nil then.
	whole []byte
	// text says whole is text (a textual Content-Type): it goes to JS
	// as a string if it is valid UTF-8 without a BOM, which
	// round-trips to the same bytes, so text() needs no decoding.
	text bool
}

// smallBody is the largest response body that comes back whole with the
// head of a subrequest, when it is complete by then (the next handler
// returned, or a Content-Length this small was read): JS takes it with
// one sync op instead of a read op per chunk and one for the end.
const smallBody = 64 << 10

// errTimeout is the cause of a subrequest cancelled by its timeout.
var errTimeout = errors.New("subrequest timeout")

func (s *subreq) close() {
	s.timer.Stop()
	s.cancel()
	if s.bodyW != nil {
		s.bodyW.CloseWithError(errors.New("the subrequest is over"))
	}
	s.mu.Lock()
	if s.resp != nil {
		s.resp.Close()
	}
	s.mu.Unlock()
}

// open starts subrequest id (JS numbers them): it counts it against the
// incoming request's limit (an Error past it). stream says whether its
// body will be streamed with op_fetch_req_write.
func (reg *registry) open(c *runtime.Call, id uint64, stream bool) (*subreq, error) {
	req := c.Request()
	parent := context.Background()
	var slots chan struct{}
	if req != nil {
		parent = req.Context()
		l, _ := req.Value(limitsKey{}).(*limits)
		if l == nil {
			l = &limits{slots: make(chan struct{}, reg.opts.MaxConcurrentSubrequests)}
			req.SetValue(limitsKey{}, l)
		}
		if l.count >= reg.opts.MaxSubrequests {
			return nil, fmt.Errorf("Too many subrequests: this request already made %d, the worker's limit is %d per request", l.count, reg.opts.MaxSubrequests)
		}
		l.count++
		slots = l.slots
	}
	ctx, cancel := context.WithCancelCause(parent)
	reg.mu.Lock()
	if reg.subs[id] != nil {
		reg.mu.Unlock()
		cancel(nil)
		return nil, fmt.Errorf("fetch: subrequest %d is already open", id)
	}
	s := &subreq{id: id, ctx: ctx, cancel: func() { cancel(nil) }, req: req, slots: slots}
	// The timeout runs until the response's headers arrive; its body may
	// then stream for as long as the request lasts.
	s.timer = time.AfterFunc(reg.opts.SubrequestTimeout, func() { cancel(errTimeout) })
	if stream {
		s.bodyR, s.bodyW = io.Pipe()
	}
	reg.subs[s.id] = s
	reg.mu.Unlock()
	// Whatever JS leaves unread is let go when the request (or the
	// subrequest's timeout) ends.
	context.AfterFunc(ctx, func() { reg.remove(s.id) })
	return s, nil
}

// packHead is what op_fetch_send resolves with, one string for JS to cut
// up: "status\0flags\0statusText\0url\0name\0value\0...", where flags
// holds "r" if a redirect was followed, and "b" for a body to read with
// op_fetch_res_read or "w" for a whole body to take with
// op_fetch_res_take. statusText and url hold no NUL.
func packHead(res *http.Response, url string, redirected bool, body byte) string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(res.StatusCode))
	b.WriteByte(0)
	if redirected {
		b.WriteByte('r')
	}
	if body != 0 {
		b.WriteByte(body)
	}
	b.WriteByte(0)
	if res.Status == "" {
		b.WriteString(http.StatusText(res.StatusCode))
	} else {
		b.WriteString(strings.ReplaceAll(strings.TrimSpace(strings.TrimPrefix(res.Status, strconv.Itoa(res.StatusCode))), "\x00", " "))
	}
	b.WriteByte(0)
	b.WriteString(strings.ReplaceAll(url, "\x00", "%00"))
	writeFlatHeaders(&b, res.Header, true)
	return b.String()
}

// hop is one request of a subrequest's redirect chain.
type hop struct {
	method  string
	url     *url.URL
	header  http.Header
	body    []byte    // a body that can be sent again
	stream  io.Reader // a body that cannot
	length  int64
	hasBody bool
	follow  bool // redirects are followed: header is sent again
}

// opFetchSend opens and sends subrequest id: (id, request, body,
// forwardID), request being "method\0redirect\0url\0name\0value\0..."
// (one string: each argument read costs a crossing). body is null, a
// string, bytes from core.toGo, or true for a streamed body; forwardID,
// if not -1, is an incoming request whose body Go forwards as is.
func opFetchSend(c *runtime.Call) (func() (any, error), error) {
	reg := registryOf(c.Isolate())
	id := uint64(c.Int(0))
	method, rest, _ := strings.Cut(c.String(1), "\x00")
	redirect, rest, _ := strings.Cut(rest, "\x00")
	rawURL, flat, _ := strings.Cut(rest, "\x00")
	b := c.Arg(2)
	var streamed, none bool
	if b.IsNull() || b.IsUndefined() {
		none = true
	} else {
		streamed = b.IsBoolean()
	}
	s, err := reg.open(c, id, streamed)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		reg.remove(id)
		return nil, runtime.TypeError("fetch to %s failed: only http: and https: URLs can be fetched", rawURL)
	}
	h := &hop{method: method, url: u, header: http.Header{}, length: -1, follow: redirect == "follow"}
	setHeaders(h.header, flat)
	for _, k := range []string{"Host", "Content-Length", "Te", "Trailer"} {
		delete(h.header, k)
	}
	switch {
	case none:
	case streamed:
		h.stream, h.hasBody = s.bodyR, true
	default:
		if h.body, err = c.Bytes(2); err != nil {
			reg.remove(id)
			return nil, err
		}
		h.hasBody, h.length = true, int64(len(h.body))
	}
	if fid := c.Int(3); fid >= 0 {
		in := c.Isolate().Request(uint64(fid))
		if in == nil {
			reg.remove(id)
			return nil, runtime.TypeError("fetch: the request whose body is forwarded is over")
		}
		h.stream, h.hasBody, h.length = incoming(in), true, in.HTTP.ContentLength
	}
	var inHTTP *http.Request
	var next runtime.NextFunc
	if s.req != nil {
		inHTTP, next = s.req.HTTP, s.req.Next()
	}
	return func() (any, error) {
		if s.slots != nil {
			select {
			case s.slots <- struct{}{}:
				defer func() { <-s.slots }()
			case <-s.ctx.Done():
				return nil, s.fail(reg, rawURL, u.Host, s.ctx.Err())
			}
		}
		res, final, redirected, err := s.do(reg, h, redirect, inHTTP, next)
		if err == nil && !s.timer.Stop() && context.Cause(s.ctx) == errTimeout {
			res.Body.Close()
			err = errTimeout
		}
		if err != nil {
			return nil, s.fail(reg, final, u.Host, err)
		}
		var body byte
		switch res.StatusCode {
		case 101, 204, 205, 304:
			res.Body.Close()
		default:
			if h.method == http.MethodHead {
				res.Body.Close()
				break
			}
			whole, rest := readSmall(res)
			s.mu.Lock()
			if rest == nil {
				s.whole, s.text, body = whole, isText(res.Header.Get("Content-Type")), 'w'
			} else {
				s.resp, body = rest, 'b'
			}
			s.mu.Unlock()
		}
		if body == 0 {
			reg.remove(s.id)
		}
		return packHead(res, final, redirected, body), nil
	}, nil
}

// readSmall returns the whole body of res, closed, if it is known to be
// at most smallBody bytes and arrives in full at once (within
// readAheadWait over the network); otherwise the body to stream, starting
// with any bytes already read.
func readSmall(res *http.Response) ([]byte, io.ReadCloser) {
	if nb, ok := res.Body.(*nextBody); ok {
		if nb.rest == nil {
			return nb.pre, nil
		}
		return nil, nb
	}
	n := res.ContentLength
	if n < 0 || n > smallBody {
		return nil, res.Body
	}
	a := &aheadBody{rest: res.Body, buf: make([]byte, n+1), done: make(chan struct{})}
	a.cond.L = &a.mu
	go a.fill()
	t := time.NewTimer(readAheadWait)
	defer t.Stop()
	select {
	case <-a.done:
		if a.err == io.EOF && int64(a.n) == n {
			res.Body.Close()
			return a.buf[:n], nil
		}
	case <-t.C:
		// A slow body does not hold the head back: it streams, each
		// read taking what has come.
	}
	return nil, a
}

// readAheadWait is how long a small network body may take to arrive
// after its head before the head goes to JS without it.
const readAheadWait = 20 * time.Millisecond

// aheadBody is a small response body being read whole into buf (fill),
// and read from there: the bytes as they come, then EOF or the error.
type aheadBody struct {
	rest io.ReadCloser
	buf  []byte
	done chan struct{} // closed when fill is over

	mu   sync.Mutex
	cond sync.Cond
	n    int   // bytes in buf
	off  int   // bytes read from buf
	err  error // io.EOF once all of the body was read; set before done
}

func (a *aheadBody) fill() {
	defer close(a.done)
	for {
		k, err := a.rest.Read(a.buf[a.n:])
		a.mu.Lock()
		a.n += k
		switch {
		case err == io.EOF && a.n == len(a.buf)-1:
			// All of the Content-Length, and no more.
		case err == io.EOF:
			err = io.ErrUnexpectedEOF
		case err == nil && a.n == len(a.buf):
			// More than the Content-Length said: the transport never
			// gives that, but let the stream go on if it does.
			err = errReadOn
		}
		a.err = err
		a.cond.Broadcast()
		a.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// errReadOn ends fill with the body still open.
var errReadOn = errors.New("read on")

func (a *aheadBody) Read(p []byte) (int, error) {
	a.mu.Lock()
	for a.off == a.n && a.err == nil {
		a.cond.Wait()
	}
	if a.off < a.n {
		k := copy(p, a.buf[a.off:a.n])
		a.off += k
		a.mu.Unlock()
		return k, nil
	}
	err := a.err
	a.mu.Unlock()
	if err == errReadOn {
		return a.rest.Read(p)
	}
	return 0, err
}

// Close ends the body; a fill still under way then fails and ends.
func (a *aheadBody) Close() error { return a.rest.Close() }

// fail turns err into the TypeError fetch() rejects with, logging policy
// refusals.
func (s *subreq) fail(reg *registry, target, host string, err error) error {
	defer reg.remove(s.id)
	var pe *policyError
	if errors.As(err, &pe) {
		reg.log.Warn("subrequest refused by the egress policy", zap.String("url", target), zap.String("reason", pe.reason))
		return runtime.TypeError("fetch to %s refused by the worker's egress policy: %s", target, pe.reason)
	}
	var je *runtime.JSError
	if errors.As(err, &je) {
		return err
	}
	var ne *nextError
	if errors.As(err, &ne) {
		return runtime.TypeError("fetch to %s failed: %v", target, ne)
	}
	if errors.Is(err, errTimeout) || context.Cause(s.ctx) == errTimeout {
		return runtime.TypeError("fetch to %s failed: timed out after %s", target, reg.opts.SubrequestTimeout)
	}
	if errors.Is(err, context.Canceled) {
		return runtime.TypeError("fetch to %s failed: the request was cancelled", target)
	}
	return runtime.TypeError("fetch to %s failed: %s", target, networkReason(err, host, reg.opts.SubrequestTimeout))
}

// do sends h and follows redirects as mode says. It returns the final
// response and URL, and whether a redirect was followed.
func (s *subreq) do(reg *registry, h *hop, mode string, in *http.Request, next runtime.NextFunc) (*http.Response, string, bool, error) {
	redirected := false
	for n := 0; ; n++ {
		target := h.url.String()
		res, err := s.send(reg, h, in, next)
		if err != nil {
			return nil, target, redirected, err
		}
		loc := res.Header.Get("Location")
		if !isRedirect(res.StatusCode) || loc == "" || mode == "manual" {
			return res, target, redirected, nil
		}
		res.Body.Close()
		if mode == "error" {
			return nil, target, redirected, runtime.TypeError("fetch to %s failed: the server redirected (%d to %s) and the request's redirect mode is \"error\"", target, res.StatusCode, loc)
		}
		if n+1 > maxRedirects {
			return nil, target, redirected, runtime.TypeError("fetch to %s failed: more than %d redirects", target, maxRedirects)
		}
		nu, err := h.url.Parse(loc)
		if err != nil || (nu.Scheme != "http" && nu.Scheme != "https") {
			return nil, target, redirected, runtime.TypeError("fetch to %s failed: the redirect to %q is not an http(s) URL", target, loc)
		}
		nu.Fragment = ""
		if (res.StatusCode == 301 || res.StatusCode == 302) && h.method == http.MethodPost || res.StatusCode == 303 && h.method != http.MethodHead && h.method != http.MethodGet {
			h.method = http.MethodGet
			h.body, h.stream, h.hasBody, h.length = nil, nil, false, -1
			for _, k := range []string{"Content-Type", "Content-Encoding", "Content-Language", "Content-Location"} {
				h.header.Del(k)
			}
		} else if h.hasBody && h.body == nil {
			return nil, target, redirected, runtime.TypeError("fetch to %s failed: cannot follow the %d redirect with a streamed body, which cannot be sent again", target, res.StatusCode)
		}
		if nu.Scheme != h.url.Scheme || nu.Host != h.url.Host {
			h.header.Del("Authorization")
			h.header.Del("Cookie")
		}
		h.url = nu
		redirected = true
	}
}

func isRedirect(status int) bool {
	switch status {
	case 301, 302, 303, 307, 308:
		return true
	}
	return false
}

func (h *hop) reader() io.Reader {
	if h.body != nil {
		return bytes.NewReader(h.body)
	}
	return h.stream
}

// readCloser is the hop's body for an http.Request: closing a streamed
// JS body's pipe tells JS to stop sending when the receiver gives up; the
// incoming request's body is the host's to close.
func (h *hop) readCloser() io.ReadCloser {
	if pr, ok := h.stream.(*io.PipeReader); ok && h.body == nil {
		return pr
	}
	return io.NopCloser(h.reader())
}

// nextError is the next handler failing before it wrote a response.
type nextError struct{ err error }

func (e *nextError) Error() string { return "the next handler failed: " + e.err.Error() }
func (e *nextError) Unwrap() error { return e.err }

// send sends one hop, to the next handler if it is for the incoming
// request's own host, else over the network.
func (s *subreq) send(reg *registry, h *hop, in *http.Request, next runtime.NextFunc) (*http.Response, error) {
	if in != nil && next != nil && sameHost(h.url, in) {
		return s.sendNext(h, in, next)
	}
	if err := reg.opts.Egress.checkHost(h.url.Hostname()); err != nil {
		return nil, err
	}
	var body io.Reader
	if h.hasBody {
		body = h.reader()
	}
	r, err := http.NewRequestWithContext(s.ctx, h.method, h.url.String(), body)
	if err != nil {
		return nil, runtime.TypeError("fetch to %s failed: %v", h.url, err)
	}
	if body != nil {
		r.Body = h.readCloser()
		r.ContentLength = h.length
		if h.length == 0 {
			r.Body = http.NoBody
		}
	}
	r.Header = h.header.Clone()
	if _, ok := r.Header["User-Agent"]; !ok {
		r.Header["User-Agent"] = nil
	}
	return reg.client.Do(r)
}

// sameHost reports whether u names the host and port in.Host is served on.
func sameHost(u *url.URL, in *http.Request) bool {
	scheme := "http"
	if in.TLS != nil {
		scheme = "https"
	}
	return strings.EqualFold(hostPort(u.Scheme, u.Host), hostPort(scheme, in.Host))
}

func hostPort(scheme, host string) string {
	if _, _, err := net.SplitHostPort(host); err == nil {
		return host
	}
	if scheme == "https" {
		return net.JoinHostPort(strings.Trim(host, "[]"), "443")
	}
	return net.JoinHostPort(strings.Trim(host, "[]"), "80")
}

// sendNext serves a hop with the next handler, in-process: the request
// keeps the incoming request's context (Caddy's variables, replacer and
// client address), its body streams in, and the response streams back
// as the handler writes it. The handler runs on its own goroutine; it is
// the next handler, never the worker again.
func (s *subreq) sendNext(h *hop, in *http.Request, next runtime.NextFunc) (*http.Response, error) {
	// The subrequest's context: it derives from the incoming request's,
	// so it has Caddy's values, and it ends with the subrequest. A
	// shallow copy: every field the next handler may read is replaced or
	// shared read-only (reverse_proxy clones what it changes).
	r := in.WithContext(s.ctx)
	r.Method = h.method
	r.URL = h.url
	r.Host = h.url.Host
	r.RequestURI = h.url.RequestURI()
	r.Header = h.header
	if h.follow {
		// A handler may change the header; the next hop sends it again.
		r.Header = h.header.Clone()
	}
	r.Trailer = nil
	r.Form, r.PostForm, r.MultipartForm = nil, nil, nil
	r.ContentLength = 0
	r.TransferEncoding = nil
	r.Body = http.NoBody
	if h.hasBody {
		r.Body = h.readCloser()
		r.ContentLength = h.length
		if h.length < 0 {
			r.TransferEncoding = []string{"chunked"}
		}
	}
	w := &nextWriter{header: http.Header{}, ready: make(chan struct{})}
	go func() {
		err := callNext(next, w, r)
		// As a server would: a body the handler left unread is closed,
		// so a JS stream feeding it stops.
		r.Body.Close()
		w.mu.Lock()
		if !w.sent {
			if err == nil {
				w.headLocked(http.StatusOK)
				w.whole = true
			} else {
				w.err = err
			}
			w.sent = true
			close(w.ready)
		}
		pw := w.pw
		w.mu.Unlock()
		if pw != nil {
			pw.CloseWithError(err)
		}
	}()
	select {
	case <-w.ready:
	case <-s.ctx.Done():
		w.mu.Lock()
		w.gone = s.ctx.Err()
		if w.pr != nil {
			w.pr.CloseWithError(w.gone)
		}
		w.mu.Unlock()
		return nil, s.ctx.Err()
	}
	w.mu.Lock()
	pre, whole, err, pr := w.pre, w.whole, w.err, w.pr
	w.pre = nil
	w.mu.Unlock()
	if err != nil {
		return nil, &nextError{err}
	}
	body := &nextBody{pre: pre}
	if !whole {
		body.rest = pr
	}
	return &http.Response{
		StatusCode: w.status,
		Header:     w.sentHeader,
		Body:       body,
		Request:    r,
	}, nil
}

// nextBody is a response body that starts with bytes already read (pre),
// then goes on with rest, if not nil.
type nextBody struct {
	pre  []byte
	rest io.ReadCloser
}

func (b *nextBody) Read(p []byte) (int, error) {
	if len(b.pre) > 0 {
		n := copy(p, b.pre)
		b.pre = b.pre[n:]
		return n, nil
	}
	if b.rest == nil {
		return 0, io.EOF
	}
	return b.rest.Read(p)
}

func (b *nextBody) Close() error {
	b.pre = nil
	if b.rest != nil {
		return b.rest.Close()
	}
	return nil
}

// nextWriter is the http.ResponseWriter the next handler writes a
// same-host subrequest's response to. Like a server's, it holds the head
// and the first bytes back until the handler flushes, returns, or writes
// more than smallBody: a small response then reaches JS whole, with its
// head, in one op. Past that point every Write waits until JS has read it
// (the pipe has no buffer).
type nextWriter struct {
	header http.Header
	ready  chan struct{} // closed when the head is handed over

	mu         sync.Mutex
	status     int         // 0 until WriteHeader
	sentHeader http.Header // the header at WriteHeader
	pre        []byte      // bytes written before the head went
	sent       bool
	whole      bool // pre is the whole body
	err        error
	gone       error // nobody waits for the response any more
	// The pipe of the bytes written after the head went, made then: a
	// response that comes whole needs none.
	pr *io.PipeReader
	pw *io.PipeWriter
}

func (w *nextWriter) Header() http.Header { return w.header }

// headLocked fixes the status and headers, on the first WriteHeader,
// Write or Flush.
func (w *nextWriter) headLocked(status int) {
	if w.status == 0 {
		w.status = status
		w.sentHeader = w.header.Clone()
	}
}

// sendLocked hands the head over, with what was written so far as the
// start of a body that streams on through the pipe.
func (w *nextWriter) sendLocked() {
	if !w.sent {
		w.sent = true
		w.pr, w.pw = io.Pipe()
		if w.gone != nil {
			w.pr.CloseWithError(w.gone)
		}
		close(w.ready)
	}
}

func (w *nextWriter) WriteHeader(status int) {
	if status >= 100 && status <= 199 && status != 101 {
		return
	}
	w.mu.Lock()
	w.headLocked(status)
	w.mu.Unlock()
}

func (w *nextWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.headLocked(http.StatusOK)
	if !w.sent {
		if len(w.pre)+len(p) <= smallBody {
			w.pre = append(w.pre, p...)
			w.mu.Unlock()
			return len(p), nil
		}
		w.sendLocked()
	}
	pw := w.pw
	w.mu.Unlock()
	if pw == nil {
		// The handler returned (the head went whole) yet still writes.
		return 0, errors.New("the response is over")
	}
	return pw.Write(p)
}

// FlushError hands the head (and the bytes held back) to JS if they have
// not gone yet; later bytes are never held back.
func (w *nextWriter) FlushError() error {
	w.mu.Lock()
	w.headLocked(http.StatusOK)
	w.sendLocked()
	w.mu.Unlock()
	return nil
}

func (w *nextWriter) Flush() { w.FlushError() }

// writeFlatHeaders writes h to b as "name\0value\0..." with lowercase
// names, hop-by-hop headers left out; with lead, a NUL goes before the
// first pair too.
func writeFlatHeaders(b *strings.Builder, h http.Header, lead bool) {
	first := !lead
	for name, values := range h {
		lname := lowerName(name)
		if hopByHop[lname] {
			continue
		}
		for _, v := range values {
			if !first {
				b.WriteByte(0)
			}
			first = false
			b.WriteString(lname)
			b.WriteByte(0)
			if strings.ContainsAny(v, "\x00\r\n") {
				v = strings.Map(func(r rune) rune {
					if r == 0 || r == '\r' || r == '\n' {
						return ' '
					}
					return r
				}, v)
			}
			b.WriteString(v)
		}
	}
}

// lowerName lowercases an ASCII header name, without allocating when it
// already is.
func lowerName(name string) string {
	if l, ok := lowerNames[name]; ok {
		return l
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c >= 'A' && c <= 'Z' {
			return strings.ToLower(name)
		}
	}
	return name
}

// opFetchReqWrite writes one chunk of a streamed request body; it
// resolves once the subrequest has taken it, to false if it takes no
// more (the stream should be cancelled).
func opFetchReqWrite(c *runtime.Call) (func() (any, error), error) {
	s := registryOf(c.Isolate()).get(uint64(c.Int(0)))
	chunk, err := c.Bytes(1)
	if err != nil {
		return nil, err
	}
	if s == nil || s.bodyW == nil {
		return func() (any, error) { return false, nil }, nil
	}
	return func() (any, error) {
		_, err := s.bodyW.Write(chunk)
		return err == nil, nil
	}, nil
}

// opFetchReqEnd ends a streamed request body: (id, error message or null).
func opFetchReqEnd(c *runtime.Call) (any, error) {
	s := registryOf(c.Isolate()).get(uint64(c.Int(0)))
	if s == nil || s.bodyW == nil {
		return nil, nil
	}
	if a := c.Arg(1); a.IsString() {
		s.bodyW.CloseWithError(errors.New(a.String()))
	} else {
		s.bodyW.Close()
	}
	return nil, nil
}

// readBufs holds the buffers op_fetch_res_read reads into; JS gets a copy
// of the bytes read.
var readBufs = sync.Pool{New: func() any { return new([readChunk]byte) }}

// opFetchResRead reads the next chunk (up to readChunk bytes) of a
// subrequest's response body, as it arrives: a Uint8Array, or undefined
// at the end.
func opFetchResRead(c *runtime.Call) (func() (any, error), error) {
	reg := registryOf(c.Isolate())
	s := reg.get(uint64(c.Int(0)))
	if s == nil {
		return nil, runtime.TypeError("reading a fetch() response: the subrequest was cancelled or is over")
	}
	s.mu.Lock()
	body, whole := s.resp, s.whole
	s.whole = nil
	s.mu.Unlock()
	if whole != nil {
		// The whole body came with the head: this read has it all, and
		// the next one, finding nothing, is the end.
		return func() (any, error) { return whole, nil }, nil
	}
	if body == nil {
		return func() (any, error) {
			reg.remove(s.id)
			return nil, nil
		}, nil
	}
	return func() (any, error) {
		buf := readBufs.Get().(*[readChunk]byte)
		defer readBufs.Put(buf)
		n, err := body.Read(buf[:])
		if n > 0 {
			return bytes.Clone(buf[:n]), nil
		}
		if err == io.EOF {
			reg.remove(s.id)
			return nil, nil
		}
		if err == nil {
			return []byte{}, nil
		}
		reg.remove(s.id)
		if s.req != nil && s.req.Context().Err() != nil {
			return nil, runtime.TypeError("reading a fetch() response: the request it was made for is over")
		}
		return nil, runtime.TypeError("reading a fetch() response: %v", err)
	}, nil
}

// opFetchResTake returns the whole body that came with a subrequest's
// head (flag "w"), synchronously, and ends the subrequest: a string for a
// textual body that is valid UTF-8 and starts with no BOM (the bytes
// again once encoded), else a Uint8Array.
func opFetchResTake(c *runtime.Call) (any, error) {
	reg := registryOf(c.Isolate())
	s := reg.get(uint64(c.Int(0)))
	if s == nil {
		return nil, runtime.TypeError("reading a fetch() response: the subrequest was cancelled or is over")
	}
	s.mu.Lock()
	whole, text := s.whole, s.text
	s.whole = nil
	s.mu.Unlock()
	reg.remove(s.id)
	if text && utf8.Valid(whole) && !bytes.HasPrefix(whole, []byte("\xEF\xBB\xBF")) {
		return string(whole), nil
	}
	if whole == nil {
		whole = []byte{}
	}
	return whole, nil
}

// isText reports whether a Content-Type names text: text/*, JSON,
// JavaScript, XML, a form, or a +json or +xml type.
func isText(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	if strings.HasPrefix(mt, "text/") || strings.HasSuffix(mt, "+json") || strings.HasSuffix(mt, "+xml") {
		return true
	}
	switch mt {
	case "application/json", "application/javascript", "application/ecmascript", "application/xml", "application/x-www-form-urlencoded":
		return true
	}
	return false
}

// opFetchAbort cancels subrequest id (an aborted signal, a cancelled
// response body): its Go request is cancelled and its body closed.
func opFetchAbort(c *runtime.Call) (any, error) {
	registryOf(c.Isolate()).remove(uint64(c.Int(0)))
	return nil, nil
}

// inBody is the incoming request's body as the worker reads it. Once
// passThroughOnException was called, the bytes read are kept, so that
// the request can still go to the next handler whole.
type inBody struct {
	r io.Reader

	mu     sync.Mutex
	read   int64
	retain bool
	kept   bytes.Buffer
}

func (b *inBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.mu.Lock()
	b.read += int64(n)
	if b.retain {
		b.kept.Write(p[:n])
	}
	b.mu.Unlock()
	return n, err
}

// incoming returns the reader of req's body every op goes through. Only
// on the isolate's loop.
func incoming(req *runtime.Request) *inBody {
	if b, ok := req.Value(inBodyKey{}).(*inBody); ok {
		return b
	}
	var r io.Reader = http.NoBody
	if req.HTTP.Body != nil {
		r = req.HTTP.Body
	}
	b := &inBody{r: r}
	req.SetValue(inBodyKey{}, b)
	return b
}

// opFetchRetainBody is passThroughOnException(): from now on the
// incoming body is kept as it is read.
func opFetchRetainBody(c *runtime.Call) (any, error) {
	req, err := c.RequestArg(0)
	if err != nil {
		return nil, nil
	}
	b := incoming(req)
	b.mu.Lock()
	b.retain = true
	b.mu.Unlock()
	return nil, nil
}

// opFetchPassThrough serves request id with the next handler after the
// worker threw: the original request, its body replayed (the bytes the
// worker read, then the rest). It resolves to false, having done nothing,
// when that cannot be done: no next handler, or body bytes read before
// passThroughOnException() was called.
func opFetchPassThrough(c *runtime.Call) (func() (any, error), error) {
	req, err := c.RequestArg(0)
	if err != nil {
		return func() (any, error) { return false, nil }, nil
	}
	next := req.Next()
	b := incoming(req)
	b.mu.Lock()
	lost := b.read > int64(b.kept.Len())
	b.retain = false
	kept := b.kept.Bytes()
	b.mu.Unlock()
	log := c.Isolate().Logger()
	if next == nil || lost {
		if lost {
			log.Warn("passThroughOnException: the request body was read before the call, so the request cannot be passed through")
		}
		return func() (any, error) { return false, nil }, nil
	}
	return func() (any, error) {
		r := req.HTTP.Clone(req.HTTP.Context())
		if req.HTTP.Body != nil && req.HTTP.Body != http.NoBody {
			r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(kept), b.r))
		}
		err := req.WithWriter(func(w http.ResponseWriter) error { return callNext(next, w, r) })
		req.Finish(err)
		return true, nil
	}, nil
}

// callNext runs the host's next handler on a goroutine of ours, where a
// panic would take the whole process down rather than one connection (a
// server recovers its handler goroutines; nothing recovers this one).
// reverse_proxy, for one, panics with http.ErrAbortHandler when the client
// of the response is gone. The panic becomes an error for the worker.
func callNext(next runtime.NextFunc, w http.ResponseWriter, r *http.Request) (err error) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				err = errors.New("it aborted the response")
				return
			}
			err = fmt.Errorf("it panicked: %v", p)
		}
	}()
	return next(w, r)
}
