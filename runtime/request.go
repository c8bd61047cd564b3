package runtime

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"
)

// ErrResponseStarted wraps an error that ended a request after its status
// and headers were sent: the HTTP layer can no longer answer with an error
// status and should abort the connection instead.
var ErrResponseStarted = errors.New("response already started")

// Request is one fetch event in flight. Ops reach it through Call.Request
// or Isolate.Request; the HTTP layer only sees Pool.Dispatch.
type Request struct {
	// ID names the request on both sides of the boundary.
	ID uint64
	// HTTP is the incoming request. Its body is read by the fetch family.
	HTTP *http.Request

	it     *Isolate
	ctx    context.Context
	cancel context.CancelFunc
	timer  *time.Timer

	responded chan struct{}
	finish    sync.Once
	err       error

	wmu        sync.Mutex
	w          http.ResponseWriter
	closed     bool
	headerSent bool

	// next is the handler after the worker in the host's chain (Caddy's
	// next handler), nil when there is none.
	next NextFunc

	// Owned by the isolate's loop.
	cpuUsed time.Duration
	done    bool
	values  map[any]any
}

// Value returns what an extension stored for this request under key (a
// per-request counter, say). Only valid on the isolate's loop.
func (r *Request) Value(key any) any { return r.values[key] }

// SetValue stores a per-request value for an extension. Only valid on the
// isolate's loop.
func (r *Request) SetValue(key, value any) {
	if r.values == nil {
		r.values = map[any]any{}
	}
	r.values[key] = value
}

// NextFunc serves a request with the handler that comes after the worker
// (in Caddy, the rest of the route: usually reverse_proxy to the origin).
// It writes the response to w, or returns an error the host would turn
// into an error status.
type NextFunc func(w http.ResponseWriter, r *http.Request) error

// Next returns the handler after the worker, or nil.
func (r *Request) Next() NextFunc { return r.next }

// Context is cancelled when the request is over (response sent and
// waitUntil settled), or its wall-clock limit passes. Async ops that work
// for the request should stop when it is done.
func (r *Request) Context() context.Context { return r.ctx }

// Isolate returns the isolate serving the request.
func (r *Request) Isolate() *Isolate { return r.it }

// Finish ends the response: Dispatch returns err (nil for a response that
// was written completely). Only the first call counts; afterwards the
// ResponseWriter is no longer reachable through WithWriter.
func (r *Request) Finish(err error) {
	r.finish.Do(func() {
		r.wmu.Lock()
		r.closed = true
		if err != nil && r.headerSent {
			err = errors.Join(ErrResponseStarted, err)
		}
		r.err = err
		r.wmu.Unlock()
		close(r.responded)
	})
}

// Responded reports whether Finish was called.
func (r *Request) Responded() bool {
	select {
	case <-r.responded:
		return true
	default:
		return false
	}
}

// WithWriter runs fn with the response writer, serialised with Finish. It
// returns an error without calling fn if the response was finished (the
// client went away, the request timed out). Calling w.WriteHeader or
// w.Write marks the headers as sent.
func (r *Request) WithWriter(fn func(w http.ResponseWriter) error) error {
	r.wmu.Lock()
	defer r.wmu.Unlock()
	if r.closed {
		return errors.New("the response is already finished")
	}
	return fn(trackingWriter{r})
}

// trackingWriter notes when the headers leave, so a late error is known
// to be one the client can no longer be told about with a status.
type trackingWriter struct{ r *Request }

func (t trackingWriter) Header() http.Header { return t.r.w.Header() }

func (t trackingWriter) WriteHeader(status int) {
	t.r.headerSent = true
	t.r.w.WriteHeader(status)
}

func (t trackingWriter) Write(p []byte) (int, error) {
	t.r.headerSent = true
	return t.r.w.Write(p)
}

// Flush sends what was written so far to the client.
func (t trackingWriter) Flush() error {
	t.r.headerSent = true
	return http.NewResponseController(t.r.w).Flush()
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (t trackingWriter) Unwrap() http.ResponseWriter { return t.r.w }
