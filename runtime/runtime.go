// Package runtime runs Workers-style JavaScript in pooled V8 isolates.
//
// Each Isolate is owned by one goroutine locked to its OS thread; every v8go
// call for that isolate happens on it. Work reaches the isolate as tasks on a
// channel (a new event, an op completion, a timer) and the microtask queue is
// drained after each task. A Pool holds a few isolates for one worker script
// and sends each request to the least-loaded one; an isolate interleaves many
// requests at their await points.
//
// The runtime knows nothing of Caddy. Web APIs come from Extensions (see
// extension.go), which the caller lists in Config.Extensions.
package runtime

import (
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"
)

// Defaults for the limits in Config.
const (
	DefaultCPULimit      = time.Second
	DefaultMemoryLimit   = 128 << 20
	DefaultTimeout       = 30 * time.Second
	DefaultMaxConcurrent = 128
	DefaultQueueSize     = 1024
)

// Config describes one worker: its script, its pool and its limits.
type Config struct {
	// Name identifies the worker in logs and metrics.
	Name string
	// Script is the path of the entry file (JS or TS).
	Script string
	// Source, if set, is the entry's code, used in place of the file's
	// content; imports still resolve from Script's folder.
	Source string
	// Isolates is the number of isolates in the pool. Default: one per CPU.
	Isolates int
	// MaxConcurrent is how many requests one isolate interleaves at most.
	MaxConcurrent int
	// QueueSize bounds how many requests may wait for a free slot before
	// Dispatch answers ErrQueueFull.
	QueueSize int
	// CPULimit is the CPU time one request may use, summed over its slices.
	CPULimit time.Duration
	// MemoryLimit is the V8 heap limit of each isolate, in bytes.
	MemoryLimit uint64
	// Timeout is the wall-clock limit of one request, waitUntil included.
	Timeout time.Duration
	// Bindings reach the worker as properties of env.
	Bindings []Binding
	// Extensions are the Web API families, in dependency order.
	Extensions []*Extension
	// Resources are Go values extensions look up by name (the KV store
	// under "kv", say): what the host shares with the families without
	// the runtime knowing their types. They are not part of a worker's
	// identity: two configs differing only here are the same worker.
	Resources map[string]any
	// Logger receives the worker's console output and runtime events.
	Logger *zap.Logger
}

// Binding is one property of the env object a worker receives.
type Binding struct {
	// Name is the property name on env.
	Name string
	// Kind says which extension builds the value: "var" and "secret" are
	// plain strings, handled by the runtime; other kinds are built by the
	// JS factory an extension registered for that kind.
	Kind string
	// Value is the string value, or the argument handed to the factory.
	Value string
}

func (c *Config) setDefaults() {
	if c.Name == "" {
		c.Name = "worker"
	}
	if c.Isolates <= 0 {
		c.Isolates = defaultIsolates()
	}
	if c.MaxConcurrent <= 0 {
		c.MaxConcurrent = DefaultMaxConcurrent
	}
	if c.QueueSize <= 0 {
		c.QueueSize = DefaultQueueSize
	}
	if c.CPULimit <= 0 {
		c.CPULimit = DefaultCPULimit
	}
	if c.MemoryLimit == 0 {
		c.MemoryLimit = DefaultMemoryLimit
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Logger == nil {
		c.Logger = zap.NewNop()
	}
}

// Errors Dispatch returns when the runtime, not the worker, ended a request.
// The HTTP layer maps them to status codes (see DESIGN.md).
var (
	// ErrQueueFull means every isolate was at its concurrency cap and the
	// wait queue was full: answer 503 with Retry-After.
	ErrQueueFull = errors.New("worker is overloaded: all isolates busy and the queue is full")
	// ErrCPULimit means the request used more CPU time than allowed: 503.
	ErrCPULimit = errors.New("worker exceeded its CPU time limit")
	// ErrMemoryLimit means the isolate's heap hit its limit: 503.
	ErrMemoryLimit = errors.New("worker exceeded its memory limit")
	// ErrTimeout means the request ran past its wall-clock limit: 504.
	ErrTimeout = errors.New("worker exceeded its wall-clock time limit")
	// ErrIsolateLost means the request's isolate was condemned because of
	// another request that broke a limit: 503.
	ErrIsolateLost = errors.New("worker isolate was recycled while the request was in flight")
	// ErrClosed means the pool was closed: 503.
	ErrClosed = errors.New("worker pool is closed")
)

// ScriptError is an exception the worker's code threw (or a result it
// returned that the runtime could not use). The client gets a 500; the
// message and the stack, mapped to the user's sources, go to the log.
type ScriptError struct {
	Message string
	Stack   string
}

func (e *ScriptError) Error() string { return e.Message }

// BuildError is a script that does not bundle, does not compile, or does
// not export a handler. It names the file, line and column.
type BuildError struct {
	File    string
	Line    int // 1-based; 0 if unknown
	Column  int // 1-based; 0 if unknown
	Message string
}

func (e *BuildError) Error() string {
	switch {
	case e.Line > 0:
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Message)
	case e.File != "":
		return fmt.Sprintf("%s: %s", e.File, e.Message)
	}
	return e.Message
}
