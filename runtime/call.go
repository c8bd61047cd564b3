package runtime

import (
	"encoding/binary"
	"fmt"

	v8 "github.com/tommie/v8go"
	"go.uber.org/zap"
)

// Call is one invocation of an op: its arguments and the isolate it runs
// in. It is valid only during the op's Sync function, or the argument
// reading part of an Async one.
type Call struct {
	it   *Isolate
	op   string
	args []*v8.Value
	this *v8.Object
}

// Isolate returns the isolate the op runs in.
func (c *Call) Isolate() *Isolate { return c.it }

// Len returns the number of arguments.
func (c *Call) Len() int { return len(c.args) }

// Arg returns argument i, or undefined if there are fewer arguments.
func (c *Call) Arg(i int) *v8.Value {
	if i < len(c.args) {
		return c.args[i]
	}
	return v8.Undefined(c.it.iso)
}

// String returns argument i converted to a string.
func (c *Call) String(i int) string { return c.Arg(i).String() }

// Int returns argument i as an integer.
func (c *Call) Int(i int) int64 { return c.Arg(i).Integer() }

// Float returns argument i as a number.
func (c *Call) Float(i int) float64 { return c.Arg(i).Number() }

// Bool returns argument i as a boolean.
func (c *Call) Bool(i int) bool { return c.Arg(i).Boolean() }

// Bytes returns a copy of the bytes in argument i, which JS must have
// prepared with core.toGo (or passed as a string, taken as UTF-8).
func (c *Call) Bytes(i int) ([]byte, error) {
	a := c.Arg(i)
	switch {
	case a.IsNumber():
		n := int(a.Integer())
		if n < 0 || n > len(c.it.scratch) {
			return nil, fmt.Errorf("%s: bad scratch length %d", c.op, n)
		}
		return append([]byte(nil), c.it.scratch[:n]...), nil
	case a.IsSharedArrayBuffer():
		buf, free, err := a.SharedArrayBufferGetContents()
		if err != nil {
			return nil, err
		}
		out := append([]byte(nil), buf...)
		free()
		return out, nil
	case a.IsString():
		return []byte(a.String()), nil
	}
	return nil, TypeError("%s: argument %d must be bytes prepared with core.toGo", c.op, i)
}

// Keep returns argument i as a value that outlives the call (a callback
// an extension stores). It lives as long as the isolate.
func (c *Call) Keep(i int) *v8.Value {
	v := c.Arg(i)
	c.it.keep(v)
	return v
}

// Track hands a value the op made itself (say with v8go directly) to the
// runtime, which releases it when the op returns, or, if it is the op's
// result, once V8 has read it.
func (c *Call) Track(v *v8.Value) *v8.Value { return c.it.track(v) }

// Request returns the request whose task is running (nil outside one).
func (c *Call) Request() *Request { return c.it.cur }

// RequestArg returns the request whose id is argument i, or an error if it
// is over.
func (c *Call) RequestArg(i int) (*Request, error) {
	id := uint64(c.Arg(i).Integer())
	r := c.it.requests[id]
	if r == nil {
		return nil, fmt.Errorf("%s: request %d is over", c.op, id)
	}
	return r, nil
}

// installOp binds op as a property of obj.
func (it *Isolate) installOp(obj *v8.Object, op Op) error {
	tmpl := v8.NewFunctionTemplateWithError(it.iso, func(info *v8.FunctionCallbackInfo) (ret *v8.Value, rerr error) {
		// Handles made during the call (its arguments, values built on
		// the way) are garbage once it returns, except the result or the
		// exception, which V8 reads just after this function returns: that
		// one is released when the next op stores its own (V8 has read it
		// by then) or when the task ends. So a task may call ops a million
		// times and hold two handles.
		mark := len(it.arena)
		defer func() {
			var keep *v8.Value
			if ret != nil {
				keep = ret
			} else if t, ok := rerr.(jsThrow); ok {
				keep = t.Value
			}
			kept := false
			for i := mark; i < len(it.arena); i++ {
				if v := it.arena[i]; v != nil {
					if v == keep {
						kept = true
					} else {
						v.Release()
					}
				}
				it.arena[i] = nil
			}
			it.arena = it.arena[:mark]
			if kept {
				if it.lastResult != nil {
					it.lastResult.Release()
				}
				it.lastResult = keep
			}
		}()
		// A bug in an op must not take Caddy down: it becomes an Error in
		// the worker and a log line with the Go stack.
		defer func() {
			if r := recover(); r != nil {
				it.log.Error("op panicked", zap.String("op", op.Name), zap.Any("panic", r), zap.Stack("go_stack"))
				ret, rerr = nil, it.throwable(fmt.Errorf("internal error in %s: %v", op.Name, r))
			}
		}()
		args := info.Args()
		for _, a := range args {
			it.track(a)
		}
		it.track(info.This().Value)
		c := &Call{it: it, op: op.Name, args: args}
		if op.Sync != nil {
			res, err := op.Sync(c)
			if err != nil {
				return nil, it.throwable(err)
			}
			if b, ok := res.([]byte); ok && len(b) <= len(it.scratch) {
				// bootstrap.js: wrapOps makes the Uint8Array.
				copy(it.scratch, b)
				binary.NativeEndian.PutUint32(it.ctl, uint32(len(b)))
				return it.bytesMarker, nil
			}
			v, err := it.ToJS(res)
			if err != nil {
				return nil, it.throwable(err)
			}
			return v, nil
		}
		work, err := op.Async(c)
		if err != nil {
			return nil, it.throwable(err)
		}
		resolver, err := v8.NewPromiseResolver(it.ctx)
		if err != nil {
			return nil, err
		}
		req := it.cur
		go func() {
			var res any
			var err error
			func() {
				defer func() {
					if r := recover(); r != nil {
						it.log.Error("op panicked", zap.String("op", op.Name), zap.Any("panic", r), zap.Stack("go_stack"))
						err = fmt.Errorf("internal error in %s: %v", op.Name, r)
					}
				}()
				res, err = work()
			}()
			it.Post(req, func() { it.settle(resolver, res, err) })
		}()
		return it.track(resolver.GetPromise().Value), nil
	})
	return obj.Set(op.Name, tmpl.GetFunction(it.ctx))
}

// settle resolves or rejects an async op's promise on the loop.
func (it *Isolate) settle(r *v8.PromiseResolver, res any, err error) {
	it.track(r.Value)
	if err == nil {
		var v *v8.Value
		if v, err = it.ToJS(res); err == nil {
			r.Resolve(v)
			return
		}
	}
	r.Reject(it.errorValue(err))
}

// jsThrow carries a JS exception value out of an op callback.
type jsThrow struct {
	*v8.Value
	msg string
}

func (t jsThrow) Error() string { return t.msg }

func (it *Isolate) throwable(err error) error {
	return jsThrow{it.errorValue(err), err.Error()}
}

// errorValue builds the JS exception for err: a TypeError, RangeError or
// DOMException as the op chose, an Error otherwise.
func (it *Isolate) errorValue(err error) *v8.Value {
	je := asJSError(err)
	v, cerr := it.fnMakeError.Call(v8.Undefined(it.iso), it.str(je.Class), it.str(je.Name), it.str(je.Message))
	if cerr != nil {
		return it.str(je.Message)
	}
	return it.track(v)
}

// coreOpList is the runtime's own ops, reachable only from bootstrap.js.
func coreOpList(it *Isolate) []Op {
	return []Op{
		{Name: "op_core_request_done", Sync: func(c *Call) (any, error) {
			if req := it.requests[uint64(c.Int(0))]; req != nil {
				it.requestDone(req)
			}
			return nil, nil
		}},
		{Name: "op_core_request_error", Sync: func(c *Call) (any, error) {
			req := it.requests[uint64(c.Int(0))]
			se := &ScriptError{Message: c.String(1), Stack: it.pool.mapStack(c.String(2))}
			it.log.Error("uncaught exception", zap.String("error", se.Message), zap.String("stack", se.Stack))
			if req != nil {
				req.Finish(se)
			}
			return nil, nil
		}},
		{Name: "op_core_log_error", Sync: func(c *Call) (any, error) {
			it.log.Error(c.String(0), zap.String("stack", it.pool.mapStack(c.String(1))))
			return nil, nil
		}},
		{Name: "op_core_log", Sync: func(c *Call) (any, error) {
			it.consoleLog(c.String(0), c.String(1))
			return nil, nil
		}},
		{Name: "op_core_bindings", Sync: func(c *Call) (any, error) {
			list := it.cfg.Bindings
			if list == nil {
				list = []Binding{}
			}
			type b struct {
				Name  string `json:"name"`
				Kind  string `json:"kind"`
				Value string `json:"value"`
			}
			out := make([]b, len(list))
			for i, x := range list {
				out[i] = b{x.Name, x.Kind, x.Value}
			}
			return out, nil
		}},
	}
}

// consoleLog writes one console line to the worker's logger.
func (it *Isolate) consoleLog(level, msg string) {
	l := it.log.Named("console")
	switch level {
	case "debug", "trace":
		l.Debug(msg)
	case "warn":
		l.Warn(msg)
	case "error":
		l.Error(msg)
	default:
		l.Info(msg)
	}
}
