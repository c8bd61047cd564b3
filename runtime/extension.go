package runtime

import (
	"errors"
	"fmt"
)

// An Extension is one Web API family: a name, the families it needs, its
// JS and its Go ops. The runtime installs every extension of Config into
// each new isolate, in order, before the worker's bundle runs.
//
// Each JS file is evaluated as the body of a function
//
//	function (ops, core) { ... }
//
// where ops holds this extension's ops by name (op_<family>_<verb>) and core
// is the runtime's internal API (see bootstrap.js). Neither is reachable
// from user code: they are captured by the closures the file defines, and
// only what the file hands to core.defineGlobal becomes visible.
type Extension struct {
	// Name is the family, e.g. "url".
	Name string
	// Deps are the families that must be installed first.
	Deps []string
	// JS holds the family's scripts, evaluated in order.
	JS []Script
	// Ops are the family's Go functions callable from its JS.
	Ops []Op
}

// Script is one embedded JS file.
type Script struct {
	Name   string // for stack traces, e.g. "ext:url/url.js"
	Source string
}

// Op is one Go function callable from an extension's JS.
//
// A sync op runs on the isolate's thread and returns its result directly.
// An async op reads its arguments on the isolate's thread and returns a
// func that the runtime runs on its own goroutine; JS gets a promise that
// settles, on the isolate's thread again, with what that func returns.
// Exactly one of Sync and Async is set.
//
// Results are converted to JS as follows: nil is undefined; string, bool
// and Go numbers are primitives; []byte is a fresh Uint8Array (copied in
// bulk); *v8go.Value passes through; JSON (a []byte of JSON text wrapped in
// the JSON type) is parsed; anything else is marshalled to JSON and parsed.
// An error is thrown (sync) or rejects the promise (async); use TypeError,
// RangeError or DOMException to choose its class.
type Op struct {
	Name  string
	Sync  func(c *Call) (any, error)
	Async func(c *Call) (func() (any, error), error)
}

// JSON is a result already encoded as JSON text; it reaches JS parsed.
type JSON []byte

// JSError is an error that reaches JS as an instance of a given class.
type JSError struct {
	// Class is "TypeError", "RangeError", "Error" or "DOMException".
	Class string
	// Name is the DOMException name (e.g. "InvalidStateError").
	Name    string
	Message string
}

func (e *JSError) Error() string { return e.Message }

// TypeError returns an error that JS sees as a TypeError.
func TypeError(format string, args ...any) error {
	return &JSError{Class: "TypeError", Message: fmt.Sprintf(format, args...)}
}

// RangeError returns an error that JS sees as a RangeError.
func RangeError(format string, args ...any) error {
	return &JSError{Class: "RangeError", Message: fmt.Sprintf(format, args...)}
}

// DOMException returns an error that JS sees as a DOMException with name.
func DOMException(name, format string, args ...any) error {
	return &JSError{Class: "DOMException", Name: name, Message: fmt.Sprintf(format, args...)}
}

func asJSError(err error) *JSError {
	var je *JSError
	if errors.As(err, &je) {
		return je
	}
	return &JSError{Class: "Error", Message: err.Error()}
}

// sortExtensions checks that every dependency comes before its dependent.
func checkExtensions(exts []*Extension) error {
	seen := map[string]bool{}
	ops := map[string]string{}
	for _, e := range exts {
		if seen[e.Name] {
			return fmt.Errorf("extension %q listed twice", e.Name)
		}
		for _, d := range e.Deps {
			if !seen[d] {
				return fmt.Errorf("extension %q needs %q, which is not listed before it", e.Name, d)
			}
		}
		for _, op := range e.Ops {
			if (op.Sync == nil) == (op.Async == nil) {
				return fmt.Errorf("op %s of extension %q must set exactly one of Sync and Async", op.Name, e.Name)
			}
			if other, ok := ops[op.Name]; ok {
				return fmt.Errorf("op %s defined by both %q and %q", op.Name, other, e.Name)
			}
			ops[op.Name] = e.Name
		}
		seen[e.Name] = true
	}
	return nil
}
