package runtime

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	goruntime "runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	v8 "github.com/tommie/v8go"
	"go.uber.org/zap"
)

// Pool is the isolates that serve one worker.
type Pool struct {
	cfg    Config
	log    *zap.Logger
	entry  string
	bundle *bundle
	smap   *sourceMap
	nextID atomic.Uint64

	mu       sync.Mutex
	isolates []*Isolate
	waiters  []chan *Isolate // FIFO of requests queued for a slot
	starting int             // replacements being started
	closed   bool

	stats poolStats
}

type poolStats struct {
	requests  atomic.Uint64
	recycled  atomic.Uint64
	rejected  atomic.Uint64
	queueWait atomic.Int64 // nanoseconds, summed
}

// Stats is a snapshot of a pool's state, for metrics and the admin API.
type Stats struct {
	Isolates int    `json:"isolates"`
	InFlight int    `json:"in_flight"`
	Queued   int    `json:"queued"`
	Requests uint64 `json:"requests"`
	Recycled uint64 `json:"recycled"`
	Rejected uint64 `json:"rejected"`
}

// NewPool bundles the worker, starts its isolates and returns once all are
// ready. A script that does not build, throws at its top level or handles
// no event is a *BuildError.
func NewPool(cfg Config) (*Pool, error) {
	cfg.setDefaults()
	if err := checkExtensions(cfg.Extensions); err != nil {
		return nil, err
	}
	p := &Pool{cfg: cfg, log: cfg.Logger, entry: cfg.Script}
	b, err := buildBundle(cfg.Script, cfg.Source)
	if err != nil {
		return nil, err
	}
	p.bundle = b
	p.smap = parseSourceMap(b.sourceMap)
	for i := 0; i < cfg.Isolates; i++ {
		it, err := startIsolate(p, i)
		if err != nil {
			p.Close()
			return nil, err
		}
		p.mu.Lock()
		p.isolates = append(p.isolates, it)
		p.mu.Unlock()
	}
	return p, nil
}

func defaultIsolates() int { return goruntime.NumCPU() }

// Config returns the pool's configuration, defaults applied.
func (p *Pool) Config() Config { return p.cfg }

// Dispatch serves one HTTP request with the worker. It returns once the
// response is complete (the worker's waitUntil work may go on). An error
// means the client has not had a complete response: a *ScriptError, one
// of the Err* values, or either wrapped with ErrResponseStarted.
func (p *Pool) Dispatch(w http.ResponseWriter, r *http.Request) error {
	return p.DispatchNext(w, r, nil)
}

// DispatchNext is Dispatch for a worker with a handler after it: next is
// what subrequests to the incoming request's own host, and requests the
// worker passes through, are served by (see Request.Next).
func (p *Pool) DispatchNext(w http.ResponseWriter, r *http.Request, next NextFunc) error {
	p.stats.requests.Add(1)
	ctx, cancel := context.WithCancel(r.Context())
	req := &Request{
		ID:        p.nextID.Add(1),
		HTTP:      r,
		ctx:       ctx,
		cancel:    cancel,
		responded: make(chan struct{}),
		w:         w,
		next:      next,
	}
	fields := fetchFields(r)
	for {
		it, err := p.acquire(r.Context())
		if err != nil {
			cancel()
			return err
		}
		req.it = it
		req.timer = time.AfterFunc(p.cfg.Timeout, func() { p.timeout(req) })
		if it.Post(req, func() { it.startFetch(req, fields) }) {
			break
		}
		// The isolate stopped between acquire and Post; the request never
		// reached it, so it is safe to try another.
		req.timer.Stop()
		p.release(it)
	}
	<-req.responded
	return req.err
}

// timeout ends a request at its wall-clock limit: the client gets a 504,
// its async work is cancelled, and JS still running for it is stopped.
func (p *Pool) timeout(req *Request) {
	req.Finish(ErrTimeout)
	req.cancel()
	it := req.it
	it.terminateFor(req, ErrTimeout)
	it.Post(nil, func() {
		if !req.done {
			it.requestDone(req)
		}
	})
}

// acquire finds the least-loaded isolate with a free slot, or waits in the
// bounded queue for one.
func (p *Pool) acquire(ctx context.Context) (*Isolate, error) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil, ErrClosed
	}
	if it := p.leastLoaded(); it != nil {
		it.inflight++
		p.mu.Unlock()
		return it, nil
	}
	if len(p.waiters) >= p.cfg.QueueSize {
		p.mu.Unlock()
		p.stats.rejected.Add(1)
		return nil, ErrQueueFull
	}
	ch := make(chan *Isolate, 1)
	p.waiters = append(p.waiters, ch)
	p.mu.Unlock()
	start := time.Now()
	defer func() { p.stats.queueWait.Add(int64(time.Since(start))) }()
	select {
	case it := <-ch:
		if it == nil {
			return nil, ErrClosed
		}
		return it, nil
	case <-ctx.Done():
		p.mu.Lock()
		for i, w := range p.waiters {
			if w == ch {
				p.waiters = append(p.waiters[:i], p.waiters[i+1:]...)
				break
			}
		}
		p.mu.Unlock()
		// A slot may have been handed over in the meantime.
		select {
		case it := <-ch:
			if it != nil {
				p.release(it)
			}
		default:
		}
		return nil, ctx.Err()
	}
}

func (p *Pool) leastLoaded() *Isolate {
	var best *Isolate
	for _, it := range p.isolates {
		if it.inflight < p.cfg.MaxConcurrent && (best == nil || it.inflight < best.inflight) {
			best = it
		}
	}
	return best
}

// release frees a slot of it and hands it to the longest waiter.
func (p *Pool) release(it *Isolate) {
	p.mu.Lock()
	defer p.mu.Unlock()
	it.inflight--
	p.handOff()
}

// handOff gives free slots to waiters; p.mu is held.
func (p *Pool) handOff() {
	for len(p.waiters) > 0 {
		it := p.leastLoaded()
		if it == nil {
			return
		}
		it.inflight++
		ch := p.waiters[0]
		p.waiters = p.waiters[1:]
		ch <- it
	}
}

// retire takes a condemned isolate out of the pool, so that no request is
// sent to it any more.
func (p *Pool) retire(old *Isolate) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, it := range p.isolates {
		if it == old {
			p.isolates = append(p.isolates[:i], p.isolates[i+1:]...)
			return
		}
	}
}

// replace starts a fresh isolate in place of a retired one.
func (p *Pool) replace(old *Isolate) {
	p.stats.recycled.Add(1)
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.starting++
	p.mu.Unlock()
	go func() {
		var it *Isolate
		var err error
		for attempt := 0; attempt < 5; attempt++ {
			if it, err = startIsolate(p, old.index); err == nil {
				break
			}
			p.log.Error("starting a replacement isolate", zap.Error(err))
			time.Sleep(time.Duration(attempt+1) * 100 * time.Millisecond)
		}
		p.mu.Lock()
		p.starting--
		if it == nil || p.closed {
			p.mu.Unlock()
			if it != nil {
				it.close()
			}
			return
		}
		p.isolates = append(p.isolates, it)
		p.handOff()
		p.mu.Unlock()
	}()
}

// Close stops every isolate; requests in flight fail with ErrClosed.
func (p *Pool) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	its := p.isolates
	p.isolates = nil
	waiters := p.waiters
	p.waiters = nil
	p.mu.Unlock()
	for _, ch := range waiters {
		ch <- nil
	}
	for _, it := range its {
		it.close()
	}
	for _, it := range its {
		<-it.dead
	}
	return nil
}

// Stats returns a snapshot of the pool's counters.
func (p *Pool) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := Stats{
		Isolates: len(p.isolates),
		Queued:   len(p.waiters),
		Requests: p.stats.requests.Load(),
		Recycled: p.stats.recycled.Load(),
		Rejected: p.stats.rejected.Load(),
	}
	for _, it := range p.isolates {
		s.InFlight += it.inflight
	}
	return s
}

// Eval runs source as the body of an async function in one isolate, with
// the worker's exports as `exports`, and returns the JSON of the value it
// resolves to. It is for tests and diagnostics; it takes no request slot.
func (p *Pool) Eval(ctx context.Context, source string) (string, error) {
	p.mu.Lock()
	if p.closed || len(p.isolates) == 0 {
		p.mu.Unlock()
		return "", ErrClosed
	}
	it := p.isolates[0]
	p.mu.Unlock()
	return it.eval(ctx, source)
}

// scriptError turns a V8 exception into a ScriptError, or into a
// BuildError when it happened while the bundle was being evaluated or
// compiled, with its position mapped to the user's file.
func (p *Pool) scriptError(err error) error {
	var je *v8.JSError
	if !errors.As(err, &je) {
		return err
	}
	return &ScriptError{Message: je.Message, Stack: p.mapStack(je.StackTrace)}
}

// buildErrorFromJS maps a compile or top-level error to the user's file.
func (p *Pool) buildErrorFromJS(err error) error {
	var je *v8.JSError
	if !errors.As(err, &je) {
		return err
	}
	be := &BuildError{File: p.entry, Message: je.Message}
	// Location is "file:line:col".
	if parts := strings.Split(je.Location, ":"); len(parts) >= 3 {
		line, _ := strconv.Atoi(parts[len(parts)-2])
		col, _ := strconv.Atoi(parts[len(parts)-1])
		if f, l, c, ok := p.smap.lookup(line, col); ok {
			be.File, be.Line, be.Column = f, l, c
		}
	}
	if je.StackTrace != "" && je.StackTrace != je.Message {
		be.Message += "\n" + p.mapStack(je.StackTrace)
	}
	return be
}

func (p *Pool) String() string { return fmt.Sprintf("worker %s", p.cfg.Name) }
