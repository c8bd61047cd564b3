package console_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/worky-dev/worky/ops/console"
	"github.com/worky-dev/worky/ops/opstest"
	"github.com/worky-dev/worky/ops/webidl"
	"github.com/worky-dev/worky/runtime"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

// exposeForTest hands the formatter to the test cases as
// globalThis.inspect; nothing in production does this.
var exposeForTest = &runtime.Extension{
	Name: "consoletest",
	Deps: []string{"console"},
	JS:   []runtime.Script{{Name: "ext:consoletest/expose.js", Source: `core.defineGlobal("inspect", core.use("inspect"));`}},
}

func exts() []*runtime.Extension {
	return []*runtime.Extension{webidl.Extension(), console.Extension(), exposeForTest}
}

func TestConsoleCases(t *testing.T) {
	opstest.RunCases(t, exts(), "testdata/console.js")
}

// logPool starts a worker whose console output is captured.
func logPool(t *testing.T) (*runtime.Pool, *observer.ObservedLogs) {
	t.Helper()
	core, logs := observer.New(zapcore.DebugLevel)
	dir := t.TempDir()
	entry := filepath.Join(dir, "worker.js")
	if err := os.WriteFile(entry, []byte("export default { fetch() {} };\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := runtime.NewPool(runtime.Config{
		Name:       t.Name(),
		Script:     entry,
		Isolates:   1,
		Extensions: exts(),
		Logger:     zap.New(core),
	})
	if err != nil {
		t.Fatalf("starting worker: %v", err)
	}
	t.Cleanup(func() { p.Close() })
	return p, logs
}

type line struct {
	level zapcore.Level
	text  string
}

// TestConsoleOutput checks what each console call writes: one entry, at
// the right level, with the right text.
func TestConsoleOutput(t *testing.T) {
	p, logs := logPool(t)
	cases := []struct {
		name string
		js   string
		want []line
	}{
		{"log", `console.log("hello", 1, { a: [1, 2] }, "x")`, []line{{zapcore.InfoLevel, "hello 1 { a: [ 1, 2 ] } x"}}},
		{"info", `console.info("%s=%d", "n", 5)`, []line{{zapcore.InfoLevel, "n=5"}}},
		{"debug", `console.debug(new Map([[1, 2]]))`, []line{{zapcore.DebugLevel, "Map(1) { 1 => 2 }"}}},
		{"warn", `console.warn("careful")`, []line{{zapcore.WarnLevel, "careful"}}},
		{"error", `console.error("bad", null)`, []line{{zapcore.ErrorLevel, "bad null"}}},
		{"empty", `console.log()`, []line{{zapcore.InfoLevel, ""}}},
		{"dir quotes strings", `console.dir("s")`, []line{{zapcore.InfoLevel, "'s'"}}},
		{"dir options", `console.dir({ a: { b: 1 } }, { depth: 0 })`, []line{{zapcore.InfoLevel, "{ a: [Object] }"}}},
		{"assert", `console.assert(1 === 2, "math is %s", "broken"); console.assert(true, "no")`, []line{{zapcore.ErrorLevel, "Assertion failed: math is broken"}}},
		{"assert bare", `console.assert(0)`, []line{{zapcore.ErrorLevel, "Assertion failed"}}},
		{"count", `console.count(); console.count(); console.count("k"); console.countReset(); console.count()`, []line{
			{zapcore.InfoLevel, "default: 1"}, {zapcore.InfoLevel, "default: 2"}, {zapcore.InfoLevel, "k: 1"}, {zapcore.InfoLevel, "default: 1"},
		}},
		{"countReset missing", `console.countReset("nope")`, []line{{zapcore.WarnLevel, "Count for 'nope' does not exist"}}},
		{"group", `console.group("outer"); console.log("a\nb"); console.group(); console.warn("deep"); console.groupEnd(); console.groupEnd(); console.groupEnd(); console.log("back")`, []line{
			{zapcore.InfoLevel, "outer"}, {zapcore.InfoLevel, "  a\n  b"}, {zapcore.WarnLevel, "    deep"}, {zapcore.InfoLevel, "back"},
		}},
		{"timeEnd missing", `console.timeEnd("t")`, []line{{zapcore.WarnLevel, "Warning: No such label 't' for console.timeEnd()"}}},
		{"time twice", `console.time("d"); console.time("d"); console.timeEnd("d")`, []line{{zapcore.WarnLevel, "Warning: Label 'd' already exists for console.time()"}, {zapcore.InfoLevel, "d: ~ms"}}},
		{"table", `console.table([{ a: 1, b: "x" }, { a: 22 }, 7])`, []line{{zapcore.InfoLevel, strings.Join([]string{
			"┌─────────┬────┬─────┬────────┐",
			"│ (index) │ a  │ b   │ Values │",
			"├─────────┼────┼─────┼────────┤",
			"│ 0       │ 1  │ 'x' │        │",
			"│ 1       │ 22 │     │        │",
			"│ 2       │    │     │ 7      │",
			"└─────────┴────┴─────┴────────┘",
		}, "\n")}}},
		{"table map", `console.table(new Map([["k", 1]]))`, []line{{zapcore.InfoLevel, strings.Join([]string{
			"┌───────────────────┬─────┬────────┐",
			"│ (iteration index) │ Key │ Values │",
			"├───────────────────┼─────┼────────┤",
			"│ 0                 │ 'k' │ 1      │",
			"└───────────────────┴─────┴────────┘",
		}, "\n")}}},
		{"table primitive", `console.table(5)`, []line{{zapcore.InfoLevel, "5"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			logs.TakeAll()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if _, err := p.Eval(ctx, tc.js); err != nil {
				t.Fatalf("%s: %v", tc.js, err)
			}
			got := logs.TakeAll()
			if len(got) != len(tc.want) {
				var texts []string
				for _, e := range got {
					texts = append(texts, e.Level.String()+" "+e.Message)
				}
				t.Fatalf("%s: %d entries, want %d:\n%s", tc.js, len(got), len(tc.want), strings.Join(texts, "\n"))
			}
			for i, w := range tc.want {
				e := got[i]
				if e.LoggerName != "console" {
					t.Errorf("%s: entry %d logged by %q, want console", tc.js, i, e.LoggerName)
				}
				if e.Level != w.level {
					t.Errorf("%s: entry %d at level %s, want %s", tc.js, i, e.Level, w.level)
				}
				if strings.HasSuffix(w.text, "~ms") {
					prefix := strings.TrimSuffix(w.text, "~ms")
					if !strings.HasPrefix(e.Message, prefix) || !strings.HasSuffix(e.Message, "ms") {
						t.Errorf("%s: entry %d = %q, want %q followed by a duration", tc.js, i, e.Message, prefix)
					}
					continue
				}
				if e.Message != w.text {
					t.Errorf("%s: entry %d =\n%s\nwant\n%s", tc.js, i, e.Message, w.text)
				}
			}
		})
	}
}

// TestConsoleTimeMeasures checks that console.time measures elapsed time
// with sub-millisecond digits.
func TestConsoleTimeMeasures(t *testing.T) {
	p, logs := logPool(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	logs.TakeAll()
	if _, err := p.Eval(ctx, `console.time("spin"); const end = Date.now() + 20; while (Date.now() < end) {} console.timeEnd("spin")`); err != nil {
		t.Fatal(err)
	}
	got := logs.TakeAll()
	if len(got) != 1 {
		t.Fatalf("%d entries, want 1", len(got))
	}
	var ms float64
	if _, err := fmt.Sscanf(got[0].Message, "spin: %fms", &ms); err != nil {
		t.Fatalf("timeEnd printed %q: %v", got[0].Message, err)
	}
	if ms < 19 || ms > 5000 {
		t.Errorf("timeEnd measured %vms for a 20ms spin", ms)
	}
	if !strings.Contains(got[0].Message, ".") {
		t.Errorf("timeEnd printed %q, want sub-millisecond digits", got[0].Message)
	}
}

// TestConsoleTrace checks that console.trace includes the caller's stack.
func TestConsoleTrace(t *testing.T) {
	p, logs := logPool(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	logs.TakeAll()
	if _, err := p.Eval(ctx, `function whoCalls() { console.trace("here %d", 1); } whoCalls();`); err != nil {
		t.Fatal(err)
	}
	got := logs.TakeAll()
	if len(got) != 1 {
		t.Fatalf("%d entries, want 1", len(got))
	}
	msg := got[0].Message
	if !strings.HasPrefix(msg, "Trace: here 1\n    at whoCalls") {
		t.Errorf("trace printed %q, want it to start with the message and the caller's frame", msg)
	}
}
