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

	"github.com/worky-dev/worky/runtime"
	"go.uber.org/zap"
)

// Outgoing fetch(). JS (fetch.js) builds the Request and opens a
// subrequest (op_fetch_open, which counts it against the request's
// limit), then sends it (op_fetch_send, resolving with the status and
// headers), streams a ReadableStream body to it chunk by chunk
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
	next uint64
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
}

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

// opFetchOpen starts a subrequest: it counts it against the incoming
// request's limit (an Error past it) and returns its id. Argument 0 says
// whether its body will be streamed with op_fetch_req_write.
func opFetchOpen(c *runtime.Call) (any, error) {
	reg := registryOf(c.Isolate())
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
	reg.next++
	s := &subreq{id: reg.next, ctx: ctx, cancel: func() { cancel(nil) }, req: req, slots: slots}
	// The timeout runs until the response's headers arrive; its body may
	// then stream for as long as the request lasts.
	s.timer = time.AfterFunc(reg.opts.SubrequestTimeout, func() { cancel(errTimeout) })
	if c.Bool(0) {
		s.bodyR, s.bodyW = io.Pipe()
	}
	reg.subs[s.id] = s
	reg.mu.Unlock()
	// Whatever JS leaves unread is let go when the request (or the
	// subrequest's timeout) ends.
	context.AfterFunc(ctx, func() { reg.remove(s.id) })
	return s.id, nil
}

// head is what op_fetch_send resolves with.
type head struct {
	Status     int    `json:"status"`
	StatusText string `json:"statusText"`
	Headers    string `json:"headers"`
	URL        string `json:"url"`
	Redirected bool   `json:"redirected"`
	Body       bool   `json:"body"`
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
}

// opFetchSend sends subrequest id: (id, method, url, headersFlat,
// redirect, body, forwardID). body is null, a string, bytes from
// core.toGo, or true for a streamed body; forwardID, if not -1, is an
// incoming request whose body Go forwards as is.
func opFetchSend(c *runtime.Call) (func() (any, error), error) {
	reg := registryOf(c.Isolate())
	s := reg.get(uint64(c.Int(0)))
	if s == nil {
		return nil, runtime.TypeError("fetch: the subrequest was cancelled")
	}
	rawURL := c.String(2)
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, runtime.TypeError("fetch to %s failed: only http: and https: URLs can be fetched", rawURL)
	}
	h := &hop{method: c.String(1), url: u, header: http.Header{}, length: -1}
	setHeaders(h.header, c.String(3))
	for _, k := range []string{"Host", "Content-Length", "Te", "Trailer"} {
		h.header.Del(k)
	}
	redirect := c.String(4)
	b := c.Arg(5)
	switch {
	case b.IsNull() || b.IsUndefined():
	case b.IsBoolean():
		h.stream, h.hasBody = s.bodyR, true
	default:
		if h.body, err = c.Bytes(5); err != nil {
			return nil, err
		}
		h.hasBody, h.length = true, int64(len(h.body))
	}
	if fid := c.Int(6); fid >= 0 {
		in := c.Isolate().Request(uint64(fid))
		if in == nil {
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
		out := head{
			Status:     res.StatusCode,
			StatusText: strings.TrimSpace(strings.TrimPrefix(res.Status, strconv.Itoa(res.StatusCode))),
			Headers:    flatHeaders(res.Header),
			URL:        final,
			Redirected: redirected,
		}
		switch res.StatusCode {
		case 101, 204, 205, 304:
			res.Body.Close()
		default:
			if h.method == http.MethodHead {
				res.Body.Close()
				break
			}
			s.mu.Lock()
			s.resp = res.Body
			s.mu.Unlock()
			out.Body = true
		}
		if !out.Body {
			reg.remove(s.id)
		}
		return out, nil
	}, nil
}

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
	ctx, cancel := context.WithCancel(in.Context())
	stop := context.AfterFunc(s.ctx, cancel)
	r := in.Clone(ctx)
	r.Method = h.method
	r.URL = h.url
	r.Host = h.url.Host
	r.RequestURI = h.url.RequestURI()
	r.Header = h.header.Clone()
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
	pr, pw := io.Pipe()
	w := &pipeWriter{header: http.Header{}, pw: pw, ready: make(chan struct{})}
	go func() {
		defer stop()
		defer cancel()
		err := callNext(next, w, r)
		// As a server would: a body the handler left unread is closed,
		// so a JS stream feeding it stops.
		r.Body.Close()
		w.mu.Lock()
		if !w.sent {
			w.err = err
			if err == nil {
				w.sendLocked(http.StatusOK)
			} else {
				w.sent = true
				close(w.ready)
			}
		}
		w.mu.Unlock()
		pw.CloseWithError(err)
	}()
	select {
	case <-w.ready:
	case <-s.ctx.Done():
		pr.CloseWithError(s.ctx.Err())
		return nil, s.ctx.Err()
	}
	if w.err != nil {
		pr.Close()
		return nil, &nextError{w.err}
	}
	return &http.Response{
		Status:     strconv.Itoa(w.status) + " " + http.StatusText(w.status),
		StatusCode: w.status,
		Header:     w.sentHeader,
		Body:       pr,
		Request:    r,
	}, nil
}

// pipeWriter is the http.ResponseWriter the next handler writes a
// same-host subrequest's response to: the status and headers go to JS on
// the first WriteHeader, Write or Flush, then every Write waits until JS
// has read it (the pipe has no buffer).
type pipeWriter struct {
	header http.Header
	pw     *io.PipeWriter
	ready  chan struct{}

	mu         sync.Mutex
	sent       bool
	status     int
	sentHeader http.Header
	err        error
}

func (w *pipeWriter) Header() http.Header { return w.header }

func (w *pipeWriter) sendLocked(status int) {
	w.sent = true
	w.status = status
	w.sentHeader = w.header.Clone()
	close(w.ready)
}

func (w *pipeWriter) WriteHeader(status int) {
	if status >= 100 && status <= 199 && status != 101 {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.sent {
		w.sendLocked(status)
	}
}

func (w *pipeWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.pw.Write(p)
}

// FlushError sends the headers if they have not gone yet; the body is
// never held back, so there is nothing else to flush.
func (w *pipeWriter) FlushError() error {
	w.WriteHeader(http.StatusOK)
	return nil
}

func (w *pipeWriter) Flush() { w.FlushError() }

// flatHeaders is h as "name\0value\0..." with lowercase names.
func flatHeaders(h http.Header) string {
	var b strings.Builder
	for name, values := range h {
		lname := strings.ToLower(name)
		if hopByHop[lname] {
			continue
		}
		for _, v := range values {
			if b.Len() > 0 {
				b.WriteByte(0)
			}
			b.WriteString(lname)
			b.WriteByte(0)
			b.WriteString(strings.Map(func(r rune) rune {
				if r == 0 || r == '\r' || r == '\n' {
					return ' '
				}
				return r
			}, v))
		}
	}
	return b.String()
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
	body := s.resp
	s.mu.Unlock()
	if body == nil {
		return func() (any, error) { return nil, nil }, nil
	}
	return func() (any, error) {
		buf := make([]byte, readChunk)
		n, err := body.Read(buf)
		if n > 0 {
			return buf[:n], nil
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
