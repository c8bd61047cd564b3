// Package opstest runs the ops families' tests in real isolates: a worker
// built from real JS with the real extensions, never a mock of V8.
package opstest

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/worky-dev/worky/runtime"
	"go.uber.org/zap/zaptest"
)

// NewPool starts a one-isolate pool for a worker whose entry is source
// (module syntax), with the given extensions. It is closed when t ends.
func NewPool(t testing.TB, exts []*runtime.Extension, source string) *runtime.Pool {
	t.Helper()
	dir := t.TempDir()
	entry := filepath.Join(dir, "worker.js")
	if err := os.WriteFile(entry, []byte(source), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := runtime.NewPool(runtime.Config{
		Name:       t.Name(),
		Script:     entry,
		Isolates:   1,
		Extensions: exts,
		Logger:     zaptest.NewLogger(t),
	})
	if err != nil {
		t.Fatalf("starting worker: %v", err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// Eval runs src (the body of an async function; the worker's exports are
// `exports`) and returns the JSON of its result, failing t on an error.
func Eval(t testing.TB, p *runtime.Pool, src string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := p.Eval(ctx, src)
	if err != nil {
		t.Fatalf("eval: %v", err)
	}
	return out
}

// RunCases runs a JS file of named cases, workerd style: every export of
// file is an object with a test() method (it may be async) and becomes a
// subtest; a throw fails it with the exception's message and stack.
//
//	export const parsesHost = { test() { if (new URL("http://a/").host !== "a") throw new Error("host"); } };
func RunCases(t *testing.T, exts []*runtime.Extension, file string) {
	t.Helper()
	abs, err := filepath.Abs(file)
	if err != nil {
		t.Fatal(err)
	}
	src := "export * from " + strconv.Quote(abs) + ";\nexport default { fetch() {} };\n"
	p := NewPool(t, exts, src)
	var names []string
	if err := json.Unmarshal([]byte(Eval(t, p, `return Object.keys(exports).filter((k) => k !== "default")`)), &names); err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		t.Fatalf("%s exports no test cases", file)
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if _, err := p.Eval(ctx, "await exports["+strconv.Quote(name)+"].test(); return true"); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		})
	}
}
