package caddymodule

import (
	"net/http/httptest"
	"testing"
)

// BenchmarkHandler measures one request through the handler's ServeHTTP:
// dispatch to an isolate, the worker's fetch, the response written back.
// It runs examples/hello, the worker bench/run.sh loads with wrk.
func BenchmarkHandler(b *testing.B) {
	h := newTestHandler(b, &Handler{
		Script: "../examples/hello/worker.js",
		Name:   "bench",
		Vars:   map[string]string{"GREETING": "Hello"},
	})
	next := nextMustNotRun(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rec := httptest.NewRecorder()
		if err := h.ServeHTTP(rec, httptest.NewRequest("GET", "http://localhost/bench?name=Ada", nil), next); err != nil {
			b.Fatal(err)
		}
		if rec.Code != 200 {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}

// BenchmarkHandlerParallel is BenchmarkHandler with requests from
// GOMAXPROCS goroutines at once, spread over the pool's isolates.
func BenchmarkHandlerParallel(b *testing.B) {
	h := newTestHandler(b, &Handler{
		Script: "../examples/hello/worker.js",
		Name:   "bench-parallel",
		Vars:   map[string]string{"GREETING": "Hello"},
	})
	next := nextMustNotRun(b)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			rec := httptest.NewRecorder()
			if err := h.ServeHTTP(rec, httptest.NewRequest("GET", "http://localhost/bench?name=Ada", nil), next); err != nil {
				b.Error(err)
				return
			}
			if rec.Code != 200 {
				b.Errorf("status %d: %s", rec.Code, rec.Body)
				return
			}
		}
	})
}
