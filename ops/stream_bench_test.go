package ops_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/worky-dev/worky/ops"
	"github.com/worky-dev/worky/ops/opstest"
)

// benchBodySize is the size of the body each benchmark streams.
const benchBodySize = 100 << 20

// benchWorker answers /transform with a ReadableStream of 64 KiB chunks
// piped through an identity TransformStream, and anything else with one
// 100 MiB string built once, when the isolate starts.
const benchWorker = `
const CHUNK = 64 * 1024;
const TOTAL = 100 * 1024 * 1024;
const big = "a".repeat(TOTAL);
export default {
  fetch(request) {
    if (new URL(request.url).pathname === "/transform") {
      let sent = 0;
      const source = new ReadableStream({
        pull(controller) {
          if (sent >= TOTAL) {
            controller.close();
            return;
          }
          controller.enqueue(new Uint8Array(CHUNK).fill(97));
          sent += CHUNK;
        },
      });
      return new Response(source.pipeThrough(new TransformStream()));
    }
    return new Response(big);
  },
};
`

// benchmarkBody serves benchWorker through Pool.Dispatch behind a real
// HTTP server and reads path's body with a real client, b.N times.
func benchmarkBody(b *testing.B, path string) {
	p := opstest.NewPool(b, ops.All(), benchWorker)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := p.Dispatch(w, r); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	}))
	defer srv.Close()
	client := srv.Client()
	get := func() {
		resp, err := client.Get(srv.URL + path)
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil {
			b.Fatalf("reading %s: %v", path, err)
		}
		if resp.StatusCode != http.StatusOK || n != benchBodySize {
			b.Fatalf("%s: status %d, %d bytes, want 200 and %d", path, resp.StatusCode, n, benchBodySize)
		}
	}
	get() // warm up: the isolate, the bundle, the big string
	b.SetBytes(benchBodySize)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		get()
	}
}

// BenchmarkStreamThroughTransformStream measures a 100 MiB body that the
// worker produces chunk by chunk through an identity TransformStream.
func BenchmarkStreamThroughTransformStream(b *testing.B) { benchmarkBody(b, "/transform") }

// BenchmarkStringResponse measures a 100 MiB body from a string built
// once at the top level of the worker.
func BenchmarkStringResponse(b *testing.B) { benchmarkBody(b, "/string") }
