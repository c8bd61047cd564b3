package streams

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/worky-dev/worky/ops/opstest"
	"github.com/worky-dev/worky/runtime"
)

func TestStreams(t *testing.T) {
	opstest.RunCases(t, []*runtime.Extension{Extension()}, "testdata/streams.js")
}

// goSources is the Go side of the internals test: byte sources that JS
// pulls through an async op, as the fetch family pulls request and
// response bodies.
type goSources struct {
	mu       sync.Mutex
	next     int
	chunks   map[int][][]byte
	canceled map[int]string
}

// internalsExtension exposes core.use("streams") to the test cases as the
// global __streams, and Go-backed byte sources as __goSource.
func internalsExtension(src *goSources) *runtime.Extension {
	return &runtime.Extension{
		Name: "streamstest",
		Deps: []string{"streams"},
		JS: []runtime.Script{{Name: "ext:streamstest/test.js", Source: `
			const streams = core.use("streams");
			core.defineGlobal("__streams", streams);
			// __goSource(n, size) makes a pull stream over a Go source of n
			// chunks of size bytes; chunk i is filled with byte i+1.
			core.defineGlobal("__goSource", (n, size, highWaterMark) => {
				const id = ops.op_streamstest_open(n, size);
				const stream = streams.createPullStream(
					() => ops.op_streamstest_next(id),
					(reason) => ops.op_streamstest_cancel(id, String(reason)),
					highWaterMark,
				);
				return { id, stream };
			});
			core.defineGlobal("__goCanceled", (id) => ops.op_streamstest_canceled(id));
			core.defineGlobal("__goRemaining", (id) => ops.op_streamstest_remaining(id));
			// __tick resolves after a round trip through the event loop.
			core.defineGlobal("__tick", () => ops.op_streamstest_tick());
		`}},
		Ops: []runtime.Op{
			{Name: "op_streamstest_open", Sync: func(c *runtime.Call) (any, error) {
				n, size := int(c.Int(0)), int(c.Int(1))
				src.mu.Lock()
				defer src.mu.Unlock()
				src.next++
				id := src.next
				chunks := make([][]byte, n)
				for i := range chunks {
					chunks[i] = make([]byte, size)
					for j := range chunks[i] {
						chunks[i][j] = byte(i + 1)
					}
				}
				src.chunks[id] = chunks
				return id, nil
			}},
			{Name: "op_streamstest_next", Async: func(c *runtime.Call) (func() (any, error), error) {
				id := int(c.Int(0))
				return func() (any, error) {
					src.mu.Lock()
					defer src.mu.Unlock()
					chunks := src.chunks[id]
					if len(chunks) == 0 {
						return nil, nil // the end: undefined in JS
					}
					src.chunks[id] = chunks[1:]
					return chunks[0], nil
				}, nil
			}},
			{Name: "op_streamstest_tick", Async: func(c *runtime.Call) (func() (any, error), error) {
				return func() (any, error) { return nil, nil }, nil
			}},
			{Name: "op_streamstest_cancel", Sync: func(c *runtime.Call) (any, error) {
				src.mu.Lock()
				defer src.mu.Unlock()
				src.canceled[int(c.Int(0))] = c.String(1)
				return nil, nil
			}},
			{Name: "op_streamstest_canceled", Sync: func(c *runtime.Call) (any, error) {
				src.mu.Lock()
				defer src.mu.Unlock()
				r, ok := src.canceled[int(c.Int(0))]
				if !ok {
					return nil, nil
				}
				return r, nil
			}},
			{Name: "op_streamstest_remaining", Sync: func(c *runtime.Call) (any, error) {
				src.mu.Lock()
				defer src.mu.Unlock()
				return len(src.chunks[int(c.Int(0))]), nil
			}},
		},
	}
}

func TestInternals(t *testing.T) {
	src := &goSources{chunks: map[int][][]byte{}, canceled: map[int]string{}}
	opstest.RunCases(t, []*runtime.Extension{Extension(), internalsExtension(src)}, "testdata/internals.js")
}

// TestReadAllSizes reads Go-backed streams of several shapes with readAll
// and checks every byte.
func TestReadAllSizes(t *testing.T) {
	src := &goSources{chunks: map[int][][]byte{}, canceled: map[int]string{}}
	p := opstest.NewPool(t, []*runtime.Extension{Extension(), internalsExtension(src)}, "export default { fetch() {} };")
	for _, tc := range []struct{ n, size int }{
		{0, 0}, {1, 1}, {1, 1 << 20}, {3, 7}, {64, 4096}, {2, 3 << 20},
	} {
		t.Run(fmt.Sprintf("%dx%d", tc.n, tc.size), func(t *testing.T) {
			got := opstest.Eval(t, p, fmt.Sprintf(`
				const { stream } = __goSource(%d, %d);
				const bytes = await __streams.readAll(stream);
				if (!(bytes instanceof Uint8Array)) throw new Error("readAll did not give a Uint8Array");
				for (let i = 0; i < bytes.length; i++) {
					const want = Math.floor(i / %d) + 1;
					if (bytes[i] !== (want & 255)) throw new Error("byte " + i + " is " + bytes[i] + ", want " + (want & 255));
				}
				return bytes.length;`, tc.n, tc.size, max(tc.size, 1)))
			if want := strconv.Itoa(tc.n * tc.size); got != want {
				t.Errorf("readAll of %d chunks of %d bytes gave %s bytes, want %s", tc.n, tc.size, got, want)
			}
		})
	}
}

// TestManyStreamsInOneIsolate pipes 10,000 streams through one isolate,
// as many requests' bodies would, and checks every result.
func TestManyStreamsInOneIsolate(t *testing.T) {
	p := opstest.NewPool(t, []*runtime.Extension{Extension()}, "export default { fetch() {} };")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for i := 0; i < 200; i++ {
		out, err := p.Eval(ctx, `
			let n = 0;
			for (let k = 0; k < 50; k++) {
				const ts = new TransformStream();
				const done = ReadableStream.from([1, 2, 3]).pipeTo(ts.writable);
				for await (const x of ts.readable) n += x;
				await done;
			}
			return n;`)
		if err != nil {
			t.Fatalf("round %d: %v", i, err)
		}
		if out != "300" {
			t.Fatalf("round %d: got %s, want 300", i, out)
		}
	}
}

// BenchmarkTransformStream pushes 64 MiB through a TransformStream in
// 64 KiB chunks inside JS, writer to reader; it reports MB/s.
func BenchmarkTransformStream(b *testing.B) {
	for _, bc := range []struct {
		name      string
		transform string
	}{
		{"identity", "undefined"},
		{"enqueue", "{ transform(chunk, c) { c.enqueue(chunk); } }"},
		{"copy", "{ transform(chunk, c) { c.enqueue(chunk.slice()); } }"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			const total, chunk = 64 << 20, 64 << 10
			p := opstest.NewPool(b, []*runtime.Extension{Extension()}, "export default { fetch() {} };")
			src := fmt.Sprintf(`
				const total = %d, size = %d;
				const chunk = new Uint8Array(size).fill(7);
				const ts = new TransformStream(%s);
				const writer = ts.writable.getWriter();
				const produce = (async () => {
					for (let sent = 0; sent < total; sent += size) {
						await writer.ready;
						writer.write(chunk);
					}
					await writer.close();
				})();
				const reader = ts.readable.getReader();
				let got = 0;
				for (;;) {
					const { value, done } = await reader.read();
					if (done) break;
					got += value.byteLength;
				}
				await produce;
				return got;`, total, chunk, bc.transform)
			want := strconv.Itoa(total)
			if out := opstest.Eval(b, p, src); out != want { // warm up, and check
				b.Fatalf("moved %s bytes, want %s", out, want)
			}
			b.SetBytes(total)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if out := opstest.Eval(b, p, src); out != want {
					b.Fatalf("moved %s bytes, want %s", out, want)
				}
			}
		})
	}
}
