package timers_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/worky-dev/worky/ops/opstest"
	"github.com/worky-dev/worky/ops/timers"
	"github.com/worky-dev/worky/runtime"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

func TestTimersCases(t *testing.T) {
	opstest.RunCases(t, []*runtime.Extension{timers.Extension()}, "testdata/timers.js")
}

func newPool(t *testing.T, logger *zap.Logger) *runtime.Pool {
	t.Helper()
	entry := filepath.Join(t.TempDir(), "worker.js")
	if err := os.WriteFile(entry, []byte("export default { fetch() {} };\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := runtime.NewPool(runtime.Config{
		Name:       t.Name(),
		Script:     entry,
		Isolates:   1,
		Extensions: []*runtime.Extension{timers.Extension()},
		Logger:     logger,
	})
	if err != nil {
		t.Fatalf("starting worker: %v", err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// TestThrowingCallbackIsReported checks that an exception in a timer or
// microtask callback is logged as uncaught, with its stack.
func TestThrowingCallbackIsReported(t *testing.T) {
	core, logs := observer.New(zapcore.DebugLevel)
	p := newPool(t, zap.New(core))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := p.Eval(ctx, `
		function timerCallback() { throw new TypeError("timer boom"); }
		setTimeout(timerCallback, 0);
		queueMicrotask(() => { throw new RangeError("microtask boom"); });
		setTimeout(() => { throw 42; }, 0);
		await new Promise((r) => setTimeout(r, 20));`)
	if err != nil {
		t.Fatal(err)
	}
	var errs []string
	for _, e := range logs.All() {
		if e.Level != zapcore.ErrorLevel {
			continue
		}
		// The message and the stack, wherever the runtime puts the stack
		// (a field of its own, or the message).
		text := e.Message
		if stack, ok := e.ContextMap()["stack"].(string); ok {
			text += "\n" + stack
		}
		errs = append(errs, text)
	}
	want := [][]string{
		{"Uncaught RangeError: microtask boom", "microtask boom\n    at "},
		{"Uncaught TypeError: timer boom", "at timerCallback"},
		{"Uncaught 42"},
	}
	if len(errs) != len(want) {
		t.Fatalf("got %d error entries, want %d: %q", len(errs), len(want), errs)
	}
	for i, w := range want {
		if !strings.HasPrefix(errs[i], w[0]) {
			t.Errorf("error entry %d = %q, want it to start with %q", i, errs[i], w[0])
		}
		for _, part := range w[1:] {
			if !strings.Contains(errs[i], part) {
				t.Errorf("error entry %d = %q, want it to contain %q", i, errs[i], part)
			}
		}
	}
}

// TestCloseWithPendingTimers checks that closing an isolate with timers
// still armed neither hangs nor fires into a disposed isolate.
func TestCloseWithPendingTimers(t *testing.T) {
	core, _ := observer.New(zapcore.DebugLevel)
	p := newPool(t, zap.New(core))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := p.Eval(ctx, `
		setTimeout(() => {}, 3600000);
		setInterval(() => {}, 1);
		for (let i = 0; i < 100; i++) setTimeout(() => {}, i % 5);
		await new Promise((r) => setTimeout(r, 10));`); err != nil {
		t.Fatal(err)
	}
	p.Close()
	time.Sleep(20 * time.Millisecond)
}

// TestManyTimersDoNotLeak runs many short timers and checks that all fire
// and the scheduler forgets them.
func TestManyTimers(t *testing.T) {
	p := newPool(t, zap.NewNop())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := p.Eval(ctx, `
		let n = 0;
		await new Promise((resolve) => {
			for (let i = 0; i < 5000; i++) setTimeout(() => { if (++n === 5000) resolve(); }, i % 7);
		});
		return n;`)
	if err != nil {
		t.Fatal(err)
	}
	if out != "5000" {
		t.Fatalf("fired %s timers, want 5000", out)
	}
}
