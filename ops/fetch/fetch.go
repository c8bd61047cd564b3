// Package fetch is the Fetch family: Headers, Request, Response, the
// server side of fetch events (the worker's fetch handler, or "fetch"
// listeners, answering the HTTP requests the pool dispatches), and the
// global fetch() for subrequests.
//
// The classes, their WebIDL conversions and the handler plumbing live in
// fetch.js. Go does the HTTP: it reads the incoming body in chunks, and
// writes the response (status, headers and a body given whole or streamed
// chunk by chunk) to the http.ResponseWriter of the request. For fetch()
// (subrequest.go, egress.go) Go routes each subrequest (to the host's next
// handler when it is for the incoming request's own host and port, else
// through the isolate's http.Client), applies the egress policy (host
// patterns per hop, addresses on the resolved IP at dial time), follows
// redirects hop by hop and enforces the per-request limits of Options.
//
// passThroughOnException: once called, the incoming body is kept as the
// worker reads it, so an exception can replay the whole request to the
// next handler (kept bytes, then the unread rest). Call it before reading
// the body: if some of the body was read before the call, an exception is
// an ordinary 500. The kept bytes stay in memory until the request ends.
package fetch

import (
	_ "embed"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/worky-dev/worky/runtime"
)

//go:embed fetch.js
var fetchJS string

// readChunk is the most one op_fetch_read_body call returns.
const readChunk = 64 << 10

// Extension returns the fetch family.
func Extension() *runtime.Extension {
	return &runtime.Extension{
		Name: "fetch",
		Deps: []string{"webidl", "dom", "streams", "url", "encoding"},
		JS:   []runtime.Script{{Name: "ext:fetch/fetch.js", Source: fetchJS}},
		Ops: []runtime.Op{
			{Name: "op_fetch_read_body", Async: opFetchReadBody},
			{Name: "op_fetch_read_body_all", Async: opFetchReadBodyAll},
			{Name: "op_fetch_respond", Sync: opFetchRespond},
			{Name: "op_fetch_respond_async", Async: opFetchRespondAsync},
			{Name: "op_fetch_write", Async: opFetchWrite},
			{Name: "op_fetch_end", Sync: opFetchEnd},
			{Name: "op_fetch_send", Async: opFetchSend},
			{Name: "op_fetch_req_write", Async: opFetchReqWrite},
			{Name: "op_fetch_req_end", Sync: opFetchReqEnd},
			{Name: "op_fetch_res_read", Async: opFetchResRead},
			{Name: "op_fetch_res_take", Sync: opFetchResTake},
			{Name: "op_fetch_abort", Sync: opFetchAbort},
			{Name: "op_fetch_retain_body", Sync: opFetchRetainBody},
			{Name: "op_fetch_pass_through", Async: opFetchPassThrough},
		},
	}
}

// opFetchReadBody reads the next chunk (up to readChunk bytes) of the
// incoming body of request id: a Uint8Array, or undefined at the end.
func opFetchReadBody(c *runtime.Call) (func() (any, error), error) {
	req, err := c.RequestArg(0)
	if err != nil {
		return nil, err
	}
	body := incoming(req)
	return func() (any, error) {
		size := int64(readChunk)
		if n := req.HTTP.ContentLength; n > 0 && n < size {
			size = n
		}
		buf := make([]byte, size)
		var n int
		err := withContext(req, func() (err error) {
			n, err = io.ReadAtLeast(body, buf, 1)
			return err
		})
		if n > 0 {
			return buf[:n], nil
		}
		if err == io.EOF {
			return nil, nil
		}
		return nil, readError(err)
	}, nil
}

// opFetchReadBodyAll reads the rest of the incoming body of request id at
// once, for text(), json(), arrayBuffer() and bytes(): one crossing for
// the whole body instead of one per chunk.
func opFetchReadBodyAll(c *runtime.Call) (func() (any, error), error) {
	req, err := c.RequestArg(0)
	if err != nil {
		return nil, err
	}
	body := incoming(req)
	return func() (any, error) {
		var data []byte
		err := withContext(req, func() (err error) {
			if n := req.HTTP.ContentLength; n > 0 && n < 1<<30 {
				// One byte more, so that seeing EOF needs no growth.
				data = make([]byte, 0, n+1)
			}
			for {
				if len(data) == cap(data) {
					data = slices.Grow(data, max(cap(data), readChunk))
				}
				n, err := body.Read(data[len(data):cap(data)])
				data = data[:len(data)+n]
				if err == io.EOF {
					return nil
				}
				if err != nil {
					return err
				}
			}
		})
		if err != nil {
			return nil, readError(err)
		}
		if data == nil {
			data = []byte{}
		}
		return data, nil
	}, nil
}

// withContext runs read, which reads the request's body, and gives up
// when the request is over first. A read left behind ends when the HTTP
// server closes the connection; the body is not read again after that,
// since every later call sees the context done before it starts.
func withContext(req *runtime.Request, read func() error) error {
	ctx := req.Context()
	if err := ctx.Err(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- read() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func readError(err error) error {
	return runtime.TypeError("reading the request body: %v", err)
}

// The kinds of body op_fetch_respond takes.
type bodyKind int

const (
	bodyNone   bodyKind = iota // null: no body
	bodyString                 // a JS string, sent as UTF-8
	bodyBytes                  // bytes prepared with core.toGo
	bodyStream                 // true: op_fetch_write calls follow
)

// response is what op_fetch_respond read from its arguments.
type response struct {
	req     *runtime.Request
	status  int
	headers string
	kind    bodyKind
	str     string
	bytes   []byte
}

// current returns the request whose id is argument 0, or nil if it is
// over (timed out, or the client went away): writing ops then do nothing
// and report that the client takes no more, rather than throw.
func current(c *runtime.Call) *runtime.Request {
	return c.Isolate().Request(uint64(c.Int(0)))
}

// readResponse reads op_fetch_respond(id, status, headers, body); it
// returns nil if the request is over. The headers are
// "name\0value\0name\0value..." (lowercase names, set-cookie values each
// in a pair of their own). There is no statusText argument: net/http
// always sends the standard reason phrase (HTTP/2 has none).
func readResponse(c *runtime.Call) (*response, error) {
	req := current(c)
	if req == nil {
		return nil, nil
	}
	r := &response{req: req, status: int(c.Int(1)), headers: c.String(2)}
	if r.status < 200 || r.status > 599 {
		return nil, runtime.RangeError("op_fetch_respond: status %d is not in the range 200 to 599", r.status)
	}
	var err error
	b := c.Arg(3)
	// Most bodies are strings: that check goes first (each is a
	// crossing).
	switch {
	case b.IsString():
		r.kind, r.str = bodyString, b.String()
	case b.IsNull() || b.IsUndefined():
		r.kind = bodyNone
	case b.IsBoolean():
		r.kind = bodyStream
	default:
		r.kind = bodyBytes
		if r.bytes, err = c.Bytes(3); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// opFetchRespond writes a response whose body is small enough to go out
// on the isolate's thread without waiting on the client (fetch.js decides),
// or the status and headers of a streamed one.
func opFetchRespond(c *runtime.Call) (any, error) {
	r, err := readResponse(c)
	if r == nil || err != nil {
		return false, err
	}
	return r.write(), nil
}

// opFetchRespondAsync writes a large response off the isolate's thread, so
// a slow client does not hold up the isolate's other requests.
func opFetchRespondAsync(c *runtime.Call) (func() (any, error), error) {
	r, err := readResponse(c)
	if r == nil || err != nil {
		return func() (any, error) { return false, nil }, err
	}
	return func() (any, error) { return r.write(), nil }, nil
}

// write sends the response. It reports whether the client can take more:
// false when the response was already over (timed out, client gone) or a
// write failed. A response with its whole body is finished here; a
// streamed one is flushed so the client sees the headers at once.
func (r *response) write() bool {
	head := r.req.HTTP.Method == http.MethodHead
	err := r.req.WithWriter(func(w http.ResponseWriter) error {
		h := w.Header()
		setHeaders(h, r.headers)
		if _, ok := h["Content-Type"]; !ok {
			// A nil value stops net/http from sniffing one: a Response
			// without a Content-Type goes out without one.
			h["Content-Type"] = nil
		}
		switch r.kind {
		case bodyString:
			h.Set("Content-Length", strconv.Itoa(len(r.str)))
		case bodyBytes:
			h.Set("Content-Length", strconv.Itoa(len(r.bytes)))
		case bodyNone:
			if !head {
				h.Del("Content-Length")
			}
		}
		w.WriteHeader(r.status)
		if head {
			return nil
		}
		var err error
		switch r.kind {
		case bodyString:
			_, err = io.WriteString(w, r.str)
		case bodyBytes:
			_, err = w.Write(r.bytes)
		case bodyStream:
			err = flush(w)
		}
		return err
	})
	if err != nil {
		r.req.Finish(err)
		return false
	}
	if r.kind != bodyStream {
		r.req.Finish(nil)
	}
	return true
}

// hopByHop are the headers that describe one connection, not the message;
// net/http frames the response itself.
var hopByHop = map[string]bool{
	"connection":        true,
	"keep-alive":        true,
	"proxy-connection":  true,
	"transfer-encoding": true,
	"upgrade":           true,
}

// commonHeaders are header names met on most requests and responses;
// canonicalNames and lowerNames map between their two forms without
// allocating.
var commonHeaders = []string{
	"Accept", "Accept-Encoding", "Accept-Language", "Accept-Ranges", "Age",
	"Authorization", "Cache-Control", "Content-Disposition", "Content-Encoding",
	"Content-Language", "Content-Length", "Content-Location", "Content-Type",
	"Cookie", "Date", "Etag", "Expires", "Host", "If-Modified-Since",
	"If-None-Match", "Last-Modified", "Link", "Location", "Origin", "Pragma",
	"Range", "Referer", "Server", "Set-Cookie", "Strict-Transport-Security",
	"User-Agent", "Vary", "Via", "X-Forwarded-For", "X-Forwarded-Host",
	"X-Forwarded-Proto", "X-Request-Id", "X-Content-Type-Options",
	"X-Frame-Options", "Alt-Svc", "Access-Control-Allow-Origin",
}

var canonicalNames, lowerNames = func() (map[string]string, map[string]string) {
	c, l := map[string]string{}, map[string]string{}
	for _, name := range commonHeaders {
		lower := strings.ToLower(name)
		c[lower], l[name] = name, lower
	}
	return c, l
}()

// setHeaders adds the flat "name\0value\0..." list to h.
func setHeaders(h http.Header, flat string) {
	for flat != "" {
		name, rest, _ := strings.Cut(flat, "\x00")
		value, rest, _ := strings.Cut(rest, "\x00")
		flat = rest
		if hopByHop[name] {
			continue
		}
		key, ok := canonicalNames[name]
		if !ok {
			key = http.CanonicalHeaderKey(name)
		}
		h[key] = append(h[key], value)
	}
}

func flush(w http.ResponseWriter) error {
	if f, ok := w.(interface{ Flush() error }); ok {
		if err := f.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
			return err
		}
		return nil
	}
	if err := http.NewResponseController(w).Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	return nil
}

// opFetchWrite writes and flushes one chunk of a streamed body. It
// resolves to false when the client can take no more (the stream should
// be cancelled); fetch.js awaits it before reading the next chunk, so a
// slow client slows the stream down.
func opFetchWrite(c *runtime.Call) (func() (any, error), error) {
	req := current(c)
	if req == nil {
		return func() (any, error) { return false, nil }, nil
	}
	chunk, err := c.Bytes(1)
	if err != nil {
		return nil, err
	}
	return func() (any, error) {
		err := req.WithWriter(func(w http.ResponseWriter) error {
			if _, err := w.Write(chunk); err != nil {
				return err
			}
			return flush(w)
		})
		if err != nil {
			req.Finish(err)
			return false, nil
		}
		return true, nil
	}, nil
}

// opFetchEnd finishes a streamed response.
func opFetchEnd(c *runtime.Call) (any, error) {
	if req := current(c); req != nil {
		req.Finish(nil)
	}
	return nil, nil
}
