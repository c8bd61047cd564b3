package runtime

// #cgo CXXFLAGS: -std=c++20 -fno-rtti -fPIC -Wall
// #include <stdint.h>
// void worky_set_reject_handler(void* iso, void* handler);
// int64_t worky_adjust_external_memory(void* iso, int64_t delta);
// int worky_pump_tasks(void* iso);
import "C"

import (
	"unsafe"

	v8 "github.com/tommie/v8go"
)

// v8go keeps the V8 pointer it wraps as the first field of its Isolate
// and Value structs (ptr C.IsolatePtr, ptr C.ValuePtr). These read it, for
// the calls in v8extra.cc; v8extra_test.go checks they still work.
func isolatePtr(iso *v8.Isolate) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(iso)) }
func valuePtr(v *v8.Value) unsafe.Pointer       { return *(*unsafe.Pointer)(unsafe.Pointer(v)) }

// setRejectHandler makes fn V8's promise rejection callback for the
// isolate: fn(promise, 0, reason) when a promise is rejected with no
// handler, fn(promise, 1) when one is added later. nil removes it; that
// must happen before fn's value is released.
func setRejectHandler(iso *v8.Isolate, fn *v8.Function) {
	var h unsafe.Pointer
	if fn != nil {
		h = valuePtr(fn.Value)
	}
	C.worky_set_reject_handler(isolatePtr(iso), h)
}

// AdjustExternalMemory tells V8 that JS objects of this isolate keep
// delta more (or, negative, fewer) bytes alive outside its heap, such as
// key material held in Go behind an id. V8 counts it towards its GC
// heuristics, so that those objects are collected in time. It must be
// called on the isolate's thread (from an op or a task).
func (it *Isolate) AdjustExternalMemory(delta int64) {
	C.worky_adjust_external_memory(isolatePtr(it.iso), C.int64_t(delta))
}

// pumpTasks runs the tasks V8 posted to the isolate's foreground queue
// (FinalizationRegistry callbacks after a collection, delayed GC work),
// at most 64, and reports whether any ran.
func pumpTasks(iso *v8.Isolate) bool { return C.worky_pump_tasks(isolatePtr(iso)) > 0 }

func init() {
	// WebAssembly.compile and instantiate of bytes compile on V8's worker
	// threads and settle their promise from a task posted back to the
	// isolate's foreground queue, which nothing here would ever run: the
	// promise would never settle. Synchronous compilation settles it.
	v8.SetFlags("--no-wasm-async-compilation")
}
