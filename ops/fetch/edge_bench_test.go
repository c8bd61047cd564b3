package fetch

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"
)

// edgeWorkerJS is the shape of examples/edge-middleware: a request header
// added, the path rewritten, the subrequest to the next handler, the HTML
// answer's text replaced.
const edgeWorkerJS = `
export default {
  async fetch(request) {
    const url = new URL(request.url);
    url.pathname = "/a" + url.pathname;
    const headers = new Headers(request.headers);
    headers.set("x-worky", "1");
    headers.delete("accept-encoding");
    const upstream = await fetch(new Request(url, { method: request.method, headers, body: request.body, redirect: "manual" }));
    let response;
    if ((upstream.headers.get("content-type") ?? "").toLowerCase().startsWith("text/html")) {
      const html = (await upstream.text()).replaceAll("Hello from the origin", "Hello from the edge");
      response = new Response(html, upstream);
      response.headers.delete("content-length");
    } else {
      response = new Response(upstream.body, upstream);
    }
    response.headers.set("cache-control", "private, no-store");
    return response;
  },
};
`

// edgeOrigin stands in for reverse_proxy to an origin serving a small
// HTML page.
func edgeOrigin(w http.ResponseWriter, r *http.Request) error {
	body := "<!doctype html><title>Bench</title><p>Hello from the origin</p><p>" + r.URL.Path + "</p>\n"
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Server", "Caddy")
	h.Set("Content-Length", "71")
	w.WriteHeader(http.StatusOK)
	_, err := io.WriteString(w, body)
	return err
}

// BenchmarkEdgeSubrequest measures a worker that fetches a small page
// from the next handler and rewrites it: the cost of one subrequest, end
// to end, with 16 requests in flight.
func BenchmarkEdgeSubrequest(b *testing.B) {
	p := newPool(b, edgeWorkerJS, poolOptions{})
	want := "<!doctype html><title>Bench</title><p>Hello from the edge</p><p>/a/page</p>\n"
	b.ReportAllocs()
	b.SetParallelism(8)
	cpu0 := cpuTime()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r := httptest.NewRequest("GET", "http://edge.test/page", nil)
			r.Header.Set("Cookie", "ab=a")
			r.Header.Set("Accept-Encoding", "gzip")
			w := httptest.NewRecorder()
			if err := p.DispatchNext(w, r, edgeOrigin); err != nil {
				b.Fatal(err)
			}
			if got := w.Body.String(); got != want || w.Code != 200 {
				b.Fatalf("edge answer: %d %q, want 200 %q", w.Code, got, want)
			}
			if !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
				b.Fatalf("edge answer: Content-Type %q", w.Header().Get("Content-Type"))
			}
		}
	})
	b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// cpuTime is the CPU time the process used so far, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
