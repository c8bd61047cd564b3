package compression

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/worky-dev/worky/ops/dom"
	"github.com/worky-dev/worky/ops/encoding"
	"github.com/worky-dev/worky/ops/opstest"
	"github.com/worky-dev/worky/ops/streams"
	"github.com/worky-dev/worky/ops/webidl"
	"github.com/worky-dev/worky/runtime"
)

func exts() []*runtime.Extension {
	return []*runtime.Extension{webidl.Extension(), dom.Extension(), encoding.Extension(), streams.Extension(), Extension()}
}

func TestCompressionCases(t *testing.T) {
	opstest.RunCases(t, exts(), "testdata/compression.js")
}

// countForTest exposes how many coders the isolate holds, as
// globalThis.openCoders(); nothing in production does this.
var countForTest = &runtime.Extension{
	Name: "compressiontest",
	Deps: []string{"compression"},
	JS:   []runtime.Script{{Name: "ext:compressiontest/count.js", Source: `core.defineGlobal("openCoders", () => ops.op_compressiontest_count());`}},
	Ops: []runtime.Op{{Name: "op_compressiontest_count", Sync: func(c *runtime.Call) (any, error) {
		return len(tableOf(c.Isolate()).coders), nil
	}}},
}

// TestRelease checks that every way a stream ends gives its Go side back:
// flush, a corrupt chunk, truncated input at flush, cancel of the readable
// and abort of the writable.
func TestRelease(t *testing.T) {
	p := opstest.NewPool(t, append(exts(), countForTest), helpers)
	got := opstest.Eval(t, p, `
		const counts = [];
		const packed = new Uint8Array(await exports.compress("gzip", "hello hello hello", 4));
		counts.push(openCoders());
		await exports.decompress("gzip", packed, 3);
		counts.push(openCoders());
		await exports.decompress("gzip", packed.map((b, i) => i === 0 ? 0 : b), 3).catch(() => {});
		counts.push(openCoders());
		await exports.decompress("gzip", packed.subarray(0, 12), 3).catch(() => {});
		counts.push(openCoders());
		const a = new DecompressionStream("deflate");
		const aw = a.writable.getWriter();
		a.readable.getReader().read().catch(() => {});
		await aw.write(new Uint8Array([0x78]));
		counts.push(openCoders());
		await aw.abort("stop");
		counts.push(openCoders());
		const c = new CompressionStream("deflate-raw");
		const cw = c.writable.getWriter();
		const cr = c.readable.getReader();
		cr.read();
		await cw.write(new Uint8Array(10));
		counts.push(openCoders());
		await cr.cancel("stop");
		counts.push(openCoders());
		return counts;`)
	if got != "[0,0,0,0,1,0,1,0]" {
		t.Errorf("open coders after each step = %s, want [0,0,0,0,1,0,1,0]", got)
	}
}

// TestDroppedStreamsAreReleased checks that the Go side of streams a
// worker drops half-way is freed: the memory it holds is reported to V8,
// whose collections then run the FinalizationRegistry callbacks.
func TestDroppedStreamsAreReleased(t *testing.T) {
	p := opstest.NewPool(t, append(exts(), countForTest), helpers)
	const tasks, per = 20, 10
	for range tasks {
		opstest.Eval(t, p, `
			for (let i = 0; i < `+strconv.Itoa(per)+`; i++) {
				const cs = new CompressionStream("gzip");
				cs.readable.getReader().read(); // no backpressure, so the write reaches Go
				cs.writable.getWriter().write(new Uint8Array(64));
			}`)
	}
	if n := opstest.Eval(t, p, `return openCoders()`); n == "0" {
		t.Fatal("no compressor was made")
	}
	got, err := strconv.Atoi(opstest.Eval(t, p, `return openCoders()`))
	if err != nil {
		t.Fatal(err)
	}
	// V8 collects once the reported memory has grown by its external
	// limit (64 MiB): about 80 compressors.
	if got > tasks*per/2 {
		t.Errorf("%d of %d dropped compressors are still held in Go", got, tasks*per)
	}
	t.Logf("%d of %d dropped compressors held", got, tasks*per)
}

// helpers is a worker whose exports the interop tests call.
const helpers = `
async function run(ts, chunks) {
  const w = ts.writable.getWriter();
  const reading = (async () => { const out = []; for await (const c of ts.readable) out.push(...c); return out; })();
  for (const c of chunks) await w.write(c);
  await w.close();
  return reading;
}
export async function decompress(format, bytes, chunkSize) {
  const b = new Uint8Array(bytes);
  const chunks = [];
  for (let i = 0; i < b.length; i += chunkSize) chunks.push(b.subarray(i, i + chunkSize));
  return new TextDecoder().decode(new Uint8Array(await run(new DecompressionStream(format), chunks)));
}
export async function compress(format, s, chunkSize) {
  const b = new TextEncoder().encode(s);
  const chunks = [];
  for (let i = 0; i < b.length; i += chunkSize) chunks.push(b.subarray(i, i + chunkSize));
  return run(new CompressionStream(format), chunks);
}
export default { fetch() {} };
`

func goCompress(t *testing.T, format string, data []byte) []byte {
	var buf bytes.Buffer
	var w io.WriteCloser
	switch format {
	case "gzip":
		w = gzip.NewWriter(&buf)
	case "deflate":
		w = zlib.NewWriter(&buf)
	case "deflate-raw":
		w, _ = flate.NewWriter(&buf, flate.BestCompression)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func goDecompress(format string, data []byte) ([]byte, error) {
	var r io.Reader
	var err error
	switch format {
	case "gzip":
		r, err = gzip.NewReader(bytes.NewReader(data))
	case "deflate":
		r, err = zlib.NewReader(bytes.NewReader(data))
	case "deflate-raw":
		r = flate.NewReader(bytes.NewReader(data))
	}
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

func jsArray(b []byte) string {
	var s strings.Builder
	s.WriteByte('[')
	for i, c := range b {
		if i > 0 {
			s.WriteByte(',')
		}
		s.WriteString(strconv.Itoa(int(c)))
	}
	s.WriteByte(']')
	return s.String()
}

// TestInterop checks JS against Go's own compressors both ways: what Go
// compresses, DecompressionStream reads, and what CompressionStream
// writes, Go reads.
func TestInterop(t *testing.T) {
	p := opstest.NewPool(t, exts(), helpers)
	text := strings.Repeat("interop ✓ ", 3000) + "end"
	for _, format := range []string{"gzip", "deflate", "deflate-raw"} {
		packed := goCompress(t, format, []byte(text))
		for _, chunk := range []int{1 << 20, 1000, 7} {
			got := opstest.Eval(t, p, fmt.Sprintf("return exports.decompress(%q, %s, %d)", format, jsArray(packed), chunk))
			var s string
			if err := json.Unmarshal([]byte(got), &s); err != nil || s != text {
				t.Errorf("%s, chunks of %d: JS decompressed %d chars (err %v), want the %d Go compressed", format, chunk, len(s), err, len(text))
			}
		}
		for _, chunk := range []int{1 << 20, 333} {
			got := opstest.Eval(t, p, fmt.Sprintf("return exports.compress(%q, %q, %d)", format, text, chunk))
			var arr []int
			if err := json.Unmarshal([]byte(got), &arr); err != nil {
				t.Fatal(err)
			}
			b := make([]byte, len(arr))
			for i, v := range arr {
				b[i] = byte(v)
			}
			out, err := goDecompress(format, b)
			if err != nil || string(out) != text {
				t.Errorf("%s, chunks of %d: Go could not read what JS compressed: %v (%d bytes back)", format, chunk, err, len(out))
			}
		}
	}
}

// TestInflaterDoesNotWait checks that a chunk's output comes back with
// that chunk, before any more input exists: a flushed prefix of a stream
// decompresses in full at once.
func TestInflaterDoesNotWait(t *testing.T) {
	for _, format := range []string{"gzip", "deflate", "deflate-raw"} {
		var buf bytes.Buffer
		var w interface {
			io.WriteCloser
			Flush() error
		}
		switch format {
		case "gzip":
			w = gzip.NewWriter(&buf)
		case "deflate":
			w = zlib.NewWriter(&buf)
		default:
			w, _ = flate.NewWriter(&buf, flate.DefaultCompression)
		}
		f := newInflater(format)
		for i := 0; i < 5; i++ {
			part := fmt.Sprintf("part %d;", i)
			w.Write([]byte(part))
			w.Flush()
			done := make(chan []byte)
			in := bytes.Clone(buf.Bytes())
			go func() {
				out, err := f.write(in)
				if err != nil {
					t.Errorf("%s part %d: %v", format, i, err)
				}
				done <- out
			}()
			buf.Reset()
			select {
			case out := <-done:
				if string(out) != part {
					t.Errorf("%s part %d: got %q, want %q", format, i, out, part)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("%s part %d: write waited for more input", format, i)
			}
		}
		w.Close()
		if out, err := f.write(buf.Bytes()); err != nil || len(out) != 0 {
			t.Errorf("%s trailer: %q, %v", format, out, err)
		}
		if out, err := f.finish(); err != nil || len(out) != 0 {
			t.Errorf("%s finish: %q, %v", format, out, err)
		}
	}
}

// TestInflaterRelease checks that releasing a half-fed inflater ends its
// goroutine.
func TestInflaterRelease(t *testing.T) {
	f := newInflater("gzip")
	packed := goCompress(t, "gzip", []byte("hello"))
	if _, err := f.write(packed[:5]); err != nil {
		t.Fatal(err)
	}
	f.release()
	select {
	case <-f.done:
	default:
		t.Fatal("goroutine still running after release")
	}
	f.release() // twice is fine
}

// BenchmarkCompressionStream pipes 16 MiB of text-like data through a
// CompressionStream("gzip") in 64 KiB chunks.
func BenchmarkCompressionStream(b *testing.B) {
	p := opstest.NewPool(b, exts(), "export default { fetch() {} };")
	opstest.Eval(b, p, `
		const chunk = new TextEncoder().encode("The quick brown fox jumps over the lazy dog 0123456789. ".repeat(1200).slice(0, 65536));
		globalThis.bench = async () => {
			const cs = new CompressionStream("gzip");
			const w = cs.writable.getWriter();
			const reading = (async () => { let n = 0; for await (const c of cs.readable) n += c.length; return n; })();
			for (let i = 0; i < 256; i++) await w.write(chunk);
			await w.close();
			return reading;
		};
		return null;`)
	b.SetBytes(16 << 20)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if out := opstest.Eval(b, p, "return globalThis.bench()"); out == "0" {
			b.Fatal("no output")
		}
	}
}

// TestInflaterBombGuard checks that a chunk that inflates past the limit
// is an error rather than an unbounded allocation.
func TestInflaterBombGuard(t *testing.T) {
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestSpeed)
	zeros := make([]byte, 1<<20)
	for i := 0; i < maxChunkOutput>>20+1; i++ {
		w.Write(zeros)
	}
	w.Close()
	packed := buf.Bytes()
	f := newInflater("deflate-raw")
	defer f.release()
	_, err := f.write(packed)
	var je *runtime.JSError
	if !errors.As(err, &je) || je.Class != "RangeError" || !strings.Contains(je.Message, "64 MiB") {
		t.Fatalf("write of a %d-byte bomb: %v, want a RangeError about 64 MiB", len(packed), err)
	}
}

// BenchmarkDecompressionStream inflates 16 MiB (gzip, written by Go) fed
// to a DecompressionStream in 64 KiB chunks; MB/s counts inflated bytes.
func BenchmarkDecompressionStream(b *testing.B) {
	plain := bytes.Repeat([]byte("The quick brown fox jumps over the lazy dog 0123456789. "), 16<<20/56+1)[:16<<20]
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(plain)
	w.Close()
	p := opstest.NewPool(b, exts(), "export default { fetch() {} };")
	opstest.Eval(b, p, `globalThis.packed = new Uint8Array(`+jsArray(buf.Bytes())+`);
		globalThis.bench = async () => {
			const ds = new DecompressionStream("gzip");
			const w = ds.writable.getWriter();
			const reading = (async () => { let n = 0; for await (const c of ds.readable) n += c.length; return n; })();
			for (let i = 0; i < packed.length; i += 65536) await w.write(packed.subarray(i, i + 65536));
			await w.close();
			return reading;
		};
		return null;`)
	b.SetBytes(int64(len(plain)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if out := opstest.Eval(b, p, "return globalThis.bench()"); out != strconv.Itoa(len(plain)) {
			b.Fatalf("inflated %s bytes, want %d", out, len(plain))
		}
	}
}
