package runtime

import (
	"context"
	"crypto/tls"
	_ "embed"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	goruntime "runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	v8 "github.com/tommie/v8go"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

//go:embed bootstrap.js
var bootstrapJS string

// scratchSize is the size of the shared buffer bytes cross in; also
// bootstrap.js: SCRATCH_SIZE.
const scratchSize = 1 << 20

// Isolate is one V8 isolate with its context and event loop. All its V8
// work happens on one goroutine locked to its OS thread; other goroutines
// reach it only through Post.
type Isolate struct {
	pool  *Pool
	cfg   *Config
	index int
	log   *zap.Logger

	// The task queue. Unbounded, so that an op completing on another
	// goroutine never blocks on a busy isolate.
	qmu   sync.Mutex
	queue []task
	wake  chan struct{}
	dead  chan struct{} // closed once the loop takes no more tasks
	stop  atomic.Bool

	// inflight is the number of requests holding a slot (Pool.mu).
	inflight int

	// Termination, shared with the watchdog and timeout timers.
	termMu   sync.Mutex
	taskSeq  uint64
	running  *Request // request of the task on the CPU, nil between tasks
	inTask   bool
	termErr  error
	termCulp *Request

	// Owned by the loop goroutine.
	iso          *v8.Isolate
	ctx          *v8.Context
	clock        threadClock
	arena        []*v8.Value
	lastResult   *v8.Value // the last op result, until V8 has read it
	onClose      []func()
	cur          *Request
	requests     map[uint64]*Request
	state        map[any]any
	scratch      []byte
	scratchFree  func()
	ctl          []byte // bootstrap.js: ctl, an Int32Array
	ctlFree      func()
	bytesMarker  *v8.Value
	fnFromGo     *v8.Function
	fnAlloc      *v8.Function
	fnMakeError  *v8.Function
	fnDispatch   *v8.Function
	fnHasHandler *v8.Function
	fnSetModule  *v8.Function
	fnEvalDone   *v8.Function
	fnRejected   *v8.Function // bootstrap.js: promiseRejected, V8's rejection callback
	fnFlushRej   *v8.Function
	module       *v8.Value
	heapLimit    uint64
	fetchType    *v8.Value // "fetch", made once
	evals        map[uint64]chan evalResult
}

type task struct {
	req *Request
	fn  func()
}

type evalResult struct {
	value string
	err   error
}

// startIsolate creates an isolate on its own thread, installs the
// extensions and evaluates the bundle. It returns once the isolate is
// ready to serve, or failed to start.
func startIsolate(p *Pool, num int) (*Isolate, error) {
	it := &Isolate{
		pool:     p,
		cfg:      &p.cfg,
		index:    num,
		log:      p.log,
		wake:     make(chan struct{}, 1),
		dead:     make(chan struct{}),
		requests: map[uint64]*Request{},
		state:    map[any]any{},
		evals:    map[uint64]chan evalResult{},
	}
	ready := make(chan error, 1)
	go it.run(ready)
	if err := <-ready; err != nil {
		return nil, err
	}
	return it, nil
}

func (it *Isolate) run(ready chan<- error) {
	goruntime.LockOSThread()
	// The thread is not unlocked: V8 may keep thread-local state, so the
	// thread dies with the goroutine.
	it.clock = currentThreadClock()
	it.iso = v8.NewIsolate(v8.WithResourceConstraints(it.cfg.MemoryLimit/4, it.cfg.MemoryLimit))
	it.ctx = v8.NewContext(it.iso)
	it.heapLimit = it.iso.GetHeapStatistics().HeapSizeLimit
	if err := it.setup(); err != nil {
		it.dispose()
		close(it.dead)
		ready <- err
		return
	}
	ready <- nil
	it.loop()
}

// setup installs the core and the extensions and runs the worker bundle,
// under the CPU limit (scaled for start-up work) like any task.
func (it *Isolate) setup() (err error) {
	it.runTask(task{fn: func() { err = it.install() }}, 10*it.cfg.CPULimit+time.Second)
	if cause := it.termination(); err == nil && cause != nil {
		err = &BuildError{File: it.pool.entry, Message: "evaluating the worker's top level: " + cause.Error()}
	}
	if err != nil {
		return err
	}
	if !it.hasHandler("fetch") && !it.hasHandler("scheduled") {
		return &BuildError{File: it.pool.entry, Message: "the worker handles no events: export a default object with a fetch method (export default { async fetch(request, env, ctx) { ... } }) or call addEventListener(\"fetch\", ...)"}
	}
	return nil
}

func (it *Isolate) install() error {
	global := it.ctx.Global()
	// The core gets its own ops; families get theirs.
	coreOps, err := it.newObject()
	if err != nil {
		return err
	}
	for _, op := range coreOpList(it) {
		if err := it.installOp(coreOps, op); err != nil {
			return err
		}
	}
	fnv, err := it.runCached("ext:core/bootstrap.js", bootstrapJS)
	if err != nil {
		return fmt.Errorf("bootstrap: %w", err)
	}
	fn, _ := fnv.AsFunction()
	res, err := fn.Call(v8.Undefined(it.iso), coreOps, global)
	if err != nil {
		return fmt.Errorf("bootstrap: %w", err)
	}
	pair := res.Object()
	coreV, _ := pair.GetIdx(0)
	internalV, _ := pair.GetIdx(1)
	internal := internalV.Object()
	get := func(name string) *v8.Function {
		v, err := internal.Get(name)
		if err != nil {
			panic(err)
		}
		f, err := v.AsFunction()
		if err != nil {
			panic(fmt.Sprintf("bootstrap.js: %s is not a function", name))
		}
		return f
	}
	it.fnFromGo = get("fromGo")
	it.fnAlloc = get("allocShared")
	it.fnMakeError = get("makeError")
	it.fnDispatch = get("dispatch")
	it.fnHasHandler = get("hasHandler")
	it.fnSetModule = get("setModule")
	it.fnRejected = get("promiseRejected")
	it.fnFlushRej = get("flushRejections")
	setRejectHandler(it.iso, it.fnRejected)
	it.fetchType, _ = v8.NewValue(it.iso, "fetch")
	sabV, _ := internal.Get("scratch")
	buf, free, err := sabV.SharedArrayBufferGetContents()
	if err != nil {
		return fmt.Errorf("bootstrap: scratch buffer: %w", err)
	}
	it.scratch, it.scratchFree = buf, free
	ctlV, _ := internal.Get("ctl")
	ctl, ctlFree, err := ctlV.SharedArrayBufferGetContents()
	if err != nil {
		return fmt.Errorf("bootstrap: control buffer: %w", err)
	}
	it.ctl, it.ctlFree = ctl, ctlFree
	it.bytesMarker, _ = internal.Get("bytesMarker")
	fnWrapOps := get("wrapOps")

	evalDone := v8.NewFunctionTemplateWithError(it.iso, it.evalDone)
	it.fnEvalDone = evalDone.GetFunction(it.ctx)

	for _, ext := range it.cfg.Extensions {
		ops, err := it.newObject()
		if err != nil {
			return err
		}
		for _, op := range ext.Ops {
			if err := it.installOp(ops, op); err != nil {
				return err
			}
		}
		wrapped, err := fnWrapOps.Call(v8.Undefined(it.iso), ops)
		if err != nil {
			return fmt.Errorf("extension %s: %w", ext.Name, err)
		}
		for _, s := range ext.JS {
			fv, err := it.runCached(s.Name, "(function (ops, core) {"+s.Source+"\n})")
			if err != nil {
				return fmt.Errorf("extension %s: %w", ext.Name, err)
			}
			f, _ := fv.AsFunction()
			if _, err := f.Call(v8.Undefined(it.iso), wrapped, coreV); err != nil {
				return fmt.Errorf("extension %s: %s: %w", ext.Name, s.Name, err)
			}
		}
	}

	b := it.pool.bundle
	mod, err := it.runCached(b.name, b.source)
	if err != nil {
		if it.terminated(err) {
			return nil
		}
		return it.pool.buildErrorFromJS(err)
	}
	it.module = mod
	if _, err := it.fnSetModule.Call(v8.Undefined(it.iso), mod); err != nil {
		return err
	}
	return nil
}

func (it *Isolate) newObject() (*v8.Object, error) {
	v, err := it.ctx.RunScript("({})", "ext:core/object")
	if err != nil {
		return nil, err
	}
	return v.Object(), nil
}

// runCached compiles a script, with a V8 code cache shared by every
// isolate of the process, and runs it.
func (it *Isolate) runCached(name, source string) (*v8.Value, error) {
	s, err := compileCached(it.iso, name, source)
	if err != nil {
		return nil, err
	}
	return s.Run(it.ctx)
}

func (it *Isolate) hasHandler(typ string) bool {
	ok := false
	it.runTask(task{fn: func() {
		v, err := it.fnHasHandler.Call(v8.Undefined(it.iso), it.str(typ))
		ok = err == nil && v.Boolean()
	}}, it.cfg.CPULimit)
	return ok
}

// loop runs tasks until the isolate is condemned or the pool closes it.
func (it *Isolate) loop() {
	for {
		it.qmu.Lock()
		for len(it.queue) == 0 && !it.stop.Load() {
			it.qmu.Unlock()
			<-it.wake
			it.qmu.Lock()
		}
		if it.stop.Load() {
			it.qmu.Unlock()
			break
		}
		t := it.queue[0]
		it.queue[0] = task{}
		it.queue = it.queue[1:]
		it.qmu.Unlock()
		if t.req != nil && t.req.done {
			// A timer or op of a request that is over still runs (global
			// state may depend on it) but is charged to nobody.
			t.req = nil
		}
		it.runTask(t, it.cfg.CPULimit)
		if it.termination() != nil {
			break
		}
	}
	it.shutdown()
}

// Post queues fn to run on the isolate's thread as a task, charged to req
// (nil for none). It may be called from any goroutine; once the isolate
// has stopped it does nothing and returns false.
func (it *Isolate) Post(req *Request, fn func()) bool {
	it.qmu.Lock()
	if it.stop.Load() {
		it.qmu.Unlock()
		return false
	}
	it.queue = append(it.queue, task{req, fn})
	it.qmu.Unlock()
	select {
	case it.wake <- struct{}{}:
	default:
	}
	return true
}

// runTask runs one task under the CPU watchdog, drains the microtask
// queue, releases the values the task made, and charges its CPU time.
func (it *Isolate) runTask(t task, limit time.Duration) {
	budget := limit
	if t.req != nil {
		budget = limit - t.req.cpuUsed
		if budget < time.Millisecond {
			budget = time.Millisecond
		}
	}
	it.termMu.Lock()
	it.taskSeq++
	seq := it.taskSeq
	it.running = t.req
	it.inTask = true
	it.termMu.Unlock()

	it.cur = t.req
	start := it.clock.now()
	var watchdog *time.Timer
	watchdog = time.AfterFunc(budget, func() { it.watch(seq, start, budget, &watchdog) })

	t.fn()
	it.ctx.PerformMicrotaskCheckpoint()
	it.notifyRejections()
	if it.termination() == nil && pumpTasks(it.iso) {
		it.ctx.PerformMicrotaskCheckpoint()
		it.notifyRejections()
	}

	it.termMu.Lock()
	it.inTask = false
	it.running = nil
	watchdog.Stop()
	it.termMu.Unlock()

	used := it.clock.now() - start
	if t.req != nil {
		t.req.cpuUsed += used
	}
	it.releaseArena()
	if it.termination() == nil && it.iso.GetHeapStatistics().HeapSizeLimit > it.heapLimit {
		// v8go's near-heap-limit callback terminated JS and raised the
		// limit to let it unwind: the isolate ran out of heap, perhaps in
		// a microtask where no call site saw the termination.
		it.terminated(errHeapLimit)
	}
	it.cur = nil
}

// notifyRejections reports the promises rejected during the task and
// still unhandled after its microtasks (bootstrap.js: flushRejections),
// while the task's JS keeps flagging new ones (ctl[1]), a bounded number
// of rounds: a listener that rejects a promise on every event must not
// hold the loop.
func (it *Isolate) notifyRejections() {
	for round := 0; round < 16 && it.ctl != nil && binary.NativeEndian.Uint32(it.ctl[4:]) != 0; round++ {
		if it.termination() != nil {
			return
		}
		v, err := it.fnFlushRej.Call(v8.Undefined(it.iso))
		it.track(v)
		if err != nil && !it.terminated(err) {
			se := it.pool.scriptError(err)
			it.log.Error("reporting unhandled promise rejections", zap.Error(se), zap.String("stack", scriptStack(se)))
		}
		it.ctx.PerformMicrotaskCheckpoint()
	}
}

// termination returns why JS was terminated, or nil.
func (it *Isolate) termination() error {
	it.termMu.Lock()
	defer it.termMu.Unlock()
	return it.termErr
}

// errHeapLimit stands for a termination nobody here asked for.
var errHeapLimit = errors.New("heap limit reached")

// terminated reports whether err is V8's termination of JS. A termination
// that neither the watchdog nor a timeout asked for comes from V8's
// near-heap-limit callback: the memory limit, charged to the running task.
func (it *Isolate) terminated(err error) bool {
	var je *v8.JSError
	if err != errHeapLimit && !(errors.As(err, &je) && strings.HasPrefix(je.Message, "ExecutionTerminated")) {
		return false
	}
	it.termMu.Lock()
	if it.termErr == nil {
		it.termErr, it.termCulp = ErrMemoryLimit, it.cur
	}
	it.termMu.Unlock()
	return true
}

// watch is the CPU watchdog of one task: it terminates JS once the thread
// has spent the budget, and otherwise re-arms for what is left.
func (it *Isolate) watch(seq uint64, start, budget time.Duration, timer **time.Timer) {
	it.termMu.Lock()
	defer it.termMu.Unlock()
	if it.taskSeq != seq || !it.inTask || it.termErr != nil {
		return
	}
	used := it.clock.now() - start
	if used < budget {
		*timer = time.AfterFunc(budget-used, func() { it.watch(seq, start, budget, timer) })
		return
	}
	it.termErr, it.termCulp = ErrCPULimit, it.running
	it.iso.TerminateExecution()
}

// terminateFor stops JS if it is running for req (a request past its
// wall-clock limit); the isolate is then recycled.
func (it *Isolate) terminateFor(req *Request, err error) {
	it.termMu.Lock()
	defer it.termMu.Unlock()
	if it.inTask && it.running == req && it.termErr == nil {
		it.termErr, it.termCulp = err, req
		it.iso.TerminateExecution()
	}
}

// shutdown fails what is in flight and disposes of V8. It runs on the
// loop's thread.
func (it *Isolate) shutdown() {
	it.qmu.Lock()
	it.stop.Store(true)
	queued := it.queue
	it.queue = nil
	it.qmu.Unlock()
	cause := it.termination()
	if cause != nil {
		// Out of the pool first, so no new request picks it.
		it.pool.retire(it)
	}
	close(it.dead)
	if cause != nil {
		it.log.Warn("isolate recycled", zap.Int("isolate", it.index), zap.Error(cause), zap.Int("in_flight", len(it.requests)))
	}
	for _, req := range it.requests {
		err := ErrIsolateLost
		if cause == nil {
			err = ErrClosed
		} else if req == it.termCulp {
			err = cause
		}
		req.Finish(err)
		it.requestDone(req)
	}
	// Requests whose first task never ran were never seen by the worker.
	for _, t := range queued {
		if req := t.req; req != nil && !req.done && it.requests[req.ID] == nil {
			req.done = true
			req.Finish(ErrIsolateLost)
			req.cancel()
			it.pool.release(it)
		}
	}
	for id, ch := range it.evals {
		err := ErrClosed
		if cause != nil {
			err = cause
		}
		ch <- evalResult{err: err}
		delete(it.evals, id)
	}
	it.dispose()
	if cause != nil {
		it.pool.replace(it)
	}
}

// OnClose registers fn to run on the loop when the isolate stops, before
// V8 is disposed: an extension's chance to stop its Go timers and free
// what it holds for the isolate.
func (it *Isolate) OnClose(fn func()) { it.onClose = append(it.onClose, fn) }

func (it *Isolate) dispose() {
	for _, fn := range it.onClose {
		fn()
	}
	it.onClose = nil
	if it.fnRejected != nil {
		setRejectHandler(it.iso, nil)
	}
	it.releaseArena()
	if it.scratchFree != nil {
		it.scratchFree()
		it.scratchFree = nil
	}
	if it.ctlFree != nil {
		it.ctlFree()
		it.ctlFree = nil
	}
	it.ctx.Close()
	it.iso.Dispose()
}

// close asks the loop to stop after its current task.
func (it *Isolate) close() {
	it.qmu.Lock()
	it.stop.Store(true)
	it.qmu.Unlock()
	select {
	case it.wake <- struct{}{}:
	default:
	}
}

// startFetch is the task that hands a request to the worker.
func (it *Isolate) startFetch(req *Request, fields string) {
	it.requests[req.ID] = req
	handled, err := it.fnDispatch.Call(v8.Undefined(it.iso), it.fetchType, it.num64(req.ID), it.str(fields))
	it.track(handled)
	if err != nil {
		if it.terminated(err) {
			return
		}
		se := it.pool.scriptError(err)
		it.log.Error("dispatching a fetch event", zap.Error(se), zap.String("stack", scriptStack(se)))
		req.Finish(se)
		it.requestDone(req)
		return
	}
	if !handled.Boolean() {
		req.Finish(&ScriptError{Message: "no extension handles fetch events"})
		it.requestDone(req)
	}
}

func scriptStack(err error) string {
	if se, ok := err.(*ScriptError); ok {
		return se.Stack
	}
	return ""
}

// cfJSON is what request.cf holds: only what Worky can honestly know of
// the connection. Nothing is invented: no colo, no country, no ASN.
func cfJSON(r *http.Request) string {
	cf := map[string]any{"httpProtocol": r.Proto}
	if r.TLS != nil {
		cf["tlsVersion"] = tls.VersionName(r.TLS.Version)
		cf["tlsCipher"] = tls.CipherSuiteName(r.TLS.CipherSuite)
	}
	data, _ := json.Marshal(cf)
	return string(data)
}

// fetchFields packs what the worker needs of an HTTP request into one
// string, so that the request crosses into V8 as one value: method, URL,
// headers ("name\0value\0...", lowercase names, host first), has-body,
// request.cf as JSON, separated by \x01, which HTTP forbids in all of them. It runs on the
// caller's goroutine, before the request is posted: the isolate never
// reads the fields of the *http.Request the HTTP layer owns.
func fetchFields(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	var b strings.Builder
	b.Grow(256)
	b.WriteString(r.Method)
	b.WriteByte(1)
	b.WriteString(scheme)
	b.WriteString("://")
	b.WriteString(r.Host)
	b.WriteString(r.URL.RequestURI())
	b.WriteByte(1)
	b.WriteString("host\x00")
	b.WriteString(r.Host)
	for name, values := range r.Header {
		lname := strings.ToLower(name)
		for _, v := range values {
			b.WriteByte(0)
			b.WriteString(lname)
			b.WriteByte(0)
			b.WriteString(v)
		}
	}
	b.WriteByte(1)
	if r.Body != nil && r.Body != http.NoBody && r.ContentLength != 0 {
		b.WriteByte('1')
	}
	b.WriteByte(1)
	b.WriteString(cfJSON(r))
	return b.String()
}

// Request returns the request with id, or nil if it is over.
func (it *Isolate) Request(id uint64) *Request { return it.requests[id] }

// requestDone frees the request's slot; it runs on the loop.
func (it *Isolate) requestDone(req *Request) {
	if req.done {
		return
	}
	req.done = true
	delete(it.requests, req.ID)
	if req.timer != nil {
		req.timer.Stop()
	}
	if !req.Responded() {
		req.Finish(&ScriptError{Message: "the worker finished without sending a response"})
	}
	req.cancel()
	it.pool.release(it)
}

// Logger returns the worker's logger.
func (it *Isolate) Logger() *zap.Logger { return it.log }

// V8 returns the v8go isolate, for ops that build values themselves. Only
// valid on the loop.
func (it *Isolate) V8() *v8.Isolate { return it.iso }

// Context returns the v8go context. Only valid on the loop.
func (it *Isolate) Context() *v8.Context { return it.ctx }

// Resource returns the Config.Resources value named name, or nil.
func (it *Isolate) Resource(name string) any { return it.cfg.Resources[name] }

// State returns the per-isolate value an extension stored under key.
func (it *Isolate) State(key any) any { return it.state[key] }

// SetState stores a per-isolate value for an extension.
func (it *Isolate) SetState(key, value any) { it.state[key] = value }

// Current returns the request the running task belongs to, or nil.
func (it *Isolate) Current() *Request { return it.cur }

// CallFunction calls a JS function from a task (a timer firing, an event).
// Arguments are converted as op results are. An exception thrown by fn is
// returned as a *ScriptError.
func (it *Isolate) CallFunction(fn *v8.Function, args ...any) (*v8.Value, error) {
	vals := make([]v8.Valuer, len(args))
	for i, a := range args {
		v, err := it.ToJS(a)
		if err != nil {
			return nil, err
		}
		vals[i] = v
	}
	v, err := fn.Call(v8.Undefined(it.iso), vals...)
	if err != nil {
		if it.terminated(err) {
			return nil, err
		}
		return nil, it.pool.scriptError(err)
	}
	return it.track(v), nil
}

// ToJS converts a Go value to JS as op results are converted.
func (it *Isolate) ToJS(v any) (*v8.Value, error) {
	switch x := v.(type) {
	case nil:
		return v8.Undefined(it.iso), nil
	case *v8.Value:
		return x, nil
	case *v8.Object:
		return x.Value, nil
	case *v8.Function:
		return x.Value, nil
	case string:
		return it.str(x), nil
	case bool:
		return it.bool(x), nil
	case int:
		return it.num(float64(x)), nil
	case int32:
		return it.num(float64(x)), nil
	case int64:
		return it.num(float64(x)), nil
	case uint32:
		return it.num(float64(x)), nil
	case uint64:
		return it.num(float64(x)), nil
	case float64:
		return it.num(x), nil
	case []byte:
		return it.bytesToJS(x)
	case JSON:
		v, err := v8.JSONParse(it.ctx, string(x))
		return it.track(v), err
	default:
		data, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		v, err := v8.JSONParse(it.ctx, string(data))
		return it.track(v), err
	}
}

func (it *Isolate) bytesToJS(b []byte) (*v8.Value, error) {
	n := len(b)
	if n <= len(it.scratch) {
		copy(it.scratch, b)
		v, err := it.fnFromGo.Call(v8.Undefined(it.iso), it.num(float64(n)))
		return it.track(v), err
	}
	sab, err := it.fnAlloc.Call(v8.Undefined(it.iso), it.num(float64(n)))
	if err != nil {
		return nil, err
	}
	it.track(sab)
	buf, free, err := sab.SharedArrayBufferGetContents()
	if err != nil {
		return nil, err
	}
	copy(buf, b)
	free()
	v, err := it.fnFromGo.Call(v8.Undefined(it.iso), it.num(float64(n)), sab)
	return it.track(v), err
}

// Values made on the Go side live until released; a task's are released
// when it ends (see DESIGN.md on handles).
func (it *Isolate) track(v *v8.Value) *v8.Value {
	if v != nil {
		it.arena = append(it.arena, v)
	}
	return v
}

func (it *Isolate) releaseArena() {
	if it.lastResult != nil {
		it.lastResult.Release()
		it.lastResult = nil
	}
	for i, v := range it.arena {
		if v != nil {
			v.Release()
		}
		it.arena[i] = nil
	}
	it.arena = it.arena[:0]
}

// keep takes v out of the arena so it outlives the task.
func (it *Isolate) keep(v *v8.Value) {
	for i := len(it.arena) - 1; i >= 0; i-- {
		if it.arena[i] == v {
			it.arena[i] = nil
			return
		}
	}
}

func (it *Isolate) str(s string) *v8.Value {
	v, err := v8.NewValue(it.iso, s)
	if err != nil {
		panic(err)
	}
	return it.track(v)
}

func (it *Isolate) num(f float64) *v8.Value {
	v, err := v8.NewValue(it.iso, f)
	if err != nil {
		panic(err)
	}
	return it.track(v)
}

func (it *Isolate) num64(u uint64) *v8.Value { return it.num(float64(u)) }

func (it *Isolate) bool(b bool) *v8.Value {
	v, err := v8.NewValue(it.iso, b)
	if err != nil {
		panic(err)
	}
	return it.track(v)
}

// debug logs at debug level without building fields when it is off.
func (it *Isolate) debug(msg string, fields ...zap.Field) {
	if c := it.log.Check(zapcore.DebugLevel, msg); c != nil {
		c.Write(fields...)
	}
}

// eval runs source as the body of an async function of exports (the
// worker's module) and reports what its promise settles to, as JSON.
func (it *Isolate) eval(ctx context.Context, source string) (string, error) {
	ch := make(chan evalResult, 1)
	id := it.pool.nextID.Add(1)
	it.Post(nil, func() {
		it.evals[id] = ch
		fv, err := it.ctx.RunScript("(function (exports, done, id) { (async function () {"+source+
			"\n})().then((v) => done(id, true, JSON.stringify(v === undefined ? null : v)), (e) => done(id, false, e instanceof Error ? e.name + ': ' + e.message + '\\n' + e.stack : String(e))); })",
			"eval.js")
		if err != nil {
			delete(it.evals, id)
			ch <- evalResult{err: err}
			return
		}
		it.track(fv)
		f, _ := fv.AsFunction()
		if _, err := f.Call(v8.Undefined(it.iso), it.module, it.fnEvalDone, it.num64(id)); err != nil {
			delete(it.evals, id)
			ch <- evalResult{err: err}
		}
	})
	select {
	case r := <-ch:
		return r.value, r.err
	case <-it.dead:
		select {
		case r := <-ch:
			return r.value, r.err
		default:
		}
		if cause := it.termination(); cause != nil {
			return "", cause
		}
		return "", ErrClosed
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func (it *Isolate) evalDone(info *v8.FunctionCallbackInfo) (*v8.Value, error) {
	args := info.Args()
	for _, a := range args {
		it.track(a)
	}
	id := uint64(args[0].Integer())
	ch, ok := it.evals[id]
	if !ok {
		return nil, nil
	}
	delete(it.evals, id)
	if args[1].Boolean() {
		ch <- evalResult{value: args[2].String()}
	} else {
		ch <- evalResult{err: &ScriptError{Message: args[2].String()}}
	}
	return nil, nil
}
