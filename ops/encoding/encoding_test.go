package encoding

import (
	"strconv"
	"testing"
	"unicode/utf8"

	"github.com/worky-dev/worky/ops/dom"
	"github.com/worky-dev/worky/ops/opstest"
	"github.com/worky-dev/worky/ops/streams"
	"github.com/worky-dev/worky/ops/webidl"
	"github.com/worky-dev/worky/runtime"
)

// exposeForTest hands the shared helpers to the test cases as
// globalThis.encodingInternals; nothing in production does this.
var exposeForTest = &runtime.Extension{
	Name: "encodingtest",
	Deps: []string{"encoding"},
	JS:   []runtime.Script{{Name: "ext:encodingtest/expose.js", Source: `core.defineGlobal("encodingInternals", core.use("encoding"));`}},
}

func TestEncodingCases(t *testing.T) {
	opstest.RunCases(t, []*runtime.Extension{webidl.Extension(), dom.Extension(), Extension(), exposeForTest}, "testdata/encoding.js")
}

// TestStreamCases runs the legacy encodings and the stream classes, with
// the streams family installed after this one as in ops.All.
func TestStreamCases(t *testing.T) {
	opstest.RunCases(t, []*runtime.Extension{webidl.Extension(), dom.Extension(), Extension(), streams.Extension()}, "testdata/streams.js")
}

// TestDecodeUTF8 checks the decoder directly, including the tail it leaves
// for the next chunk when streaming.
func TestDecodeUTF8(t *testing.T) {
	cases := []struct {
		in      []byte
		flush   bool
		text    string
		pending int
	}{
		{[]byte("plain"), true, "plain", 0},
		{[]byte{0xe2, 0x82}, false, "", 2},
		{[]byte{0xe2, 0x82}, true, "\uFFFD", 0},
		{[]byte{'a', 0xf0, 0x9f, 0x98}, false, "a", 3},
		{[]byte{'a', 0xf0}, false, "a", 1},
		{[]byte{0xff, 0xe2}, false, "\uFFFD", 1},
		{[]byte{0xe2, 0x82, 'A', 0xc3}, false, "\uFFFDA", 1},
		{[]byte{0xf0, 0x80, 0x80}, true, "\uFFFD\uFFFD\uFFFD", 0},
		{[]byte{0xf0, 0x80}, false, "\uFFFD\uFFFD", 0}, // 0x80 cannot follow f0, and alone it is no tail
	}
	for _, tc := range cases {
		text, pending, _, ok := decodeUTF8(tc.in, 0, false, tc.flush)
		if !ok || text != tc.text || pending != tc.pending {
			t.Errorf("decodeUTF8(% x, flush=%v) = %q, %d, %v; want %q, %d, true", tc.in, tc.flush, text, pending, ok, tc.text, tc.pending)
		}
	}
	if _, _, _, ok := decodeUTF8([]byte{0xc3, 0x28}, 0, true, true); ok {
		t.Error("fatal decodeUTF8 of c3 28 succeeded")
	}
	if _, pending, _, ok := decodeUTF8([]byte{0xc3}, 0, true, false); !ok || pending != 1 {
		t.Errorf("fatal streaming decodeUTF8 of c3 = pending %d, ok %v; want 1, true", pending, ok)
	}
}

// TestDecodeUTF8MatchesGo checks the slow path against Go's own validity
// rules: for every two- and three-byte input, the output is valid UTF-8
// and equals the input when the input is valid.
func TestDecodeUTF8MatchesGo(t *testing.T) {
	check := func(b []byte) {
		text, _, _, ok := decodeUTF8(b, 0, false, true)
		if !ok || !utf8.ValidString(text) {
			t.Fatalf("decodeUTF8(% x) = %q, %v", b, text, ok)
		}
		if utf8.Valid(b) && text != string(b) {
			t.Fatalf("decodeUTF8(% x) = %q, want the input", b, text)
		}
		_, _, _, fatalOK := decodeUTF8(b, 0, true, true)
		if fatalOK != utf8.Valid(b) {
			t.Fatalf("fatal decodeUTF8(% x) ok = %v, want %v", b, fatalOK, utf8.Valid(b))
		}
	}
	for a := 0; a < 256; a++ {
		for b := 0; b < 256; b++ {
			check([]byte{byte(a), byte(b)})
			for _, c := range []byte{0x00, 0x41, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xe0, 0xf0} {
				check([]byte{byte(a), byte(b), c})
			}
		}
	}
}

// BenchmarkEncodeDecode measures a TextEncoder.encode, a
// TextDecoder.decode and a TextEncoder.encodeInto of about 1 KiB, each
// crossing into Go once. The loop runs in JS, in tasks of at most 100
// calls: the runtime releases the handles an op makes when its task ends.
func BenchmarkEncodeDecode(b *testing.B) {
	p := opstest.NewPool(b, []*runtime.Extension{webidl.Extension(), dom.Extension(), Extension()}, "export default { fetch() {} };")
	opstest.Eval(b, p, `const s = "héllo wörld ".repeat(80).slice(0, 1000); globalThis.bench = { s, enc: new TextEncoder(), dec: new TextDecoder(),
		bytes: new TextEncoder().encode(s), dest: new Uint8Array(2048) }; return null;`)
	for _, bc := range []struct{ name, body string }{
		{"encode1KiB", `enc.encode(s);`},
		{"decode1KiB", `dec.decode(bytes);`},
		{"encodeInto1KiB", `enc.encodeInto(s, dest);`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for done := 0; done < b.N; done += 100 {
				n := min(100, b.N-done)
				opstest.Eval(b, p, `const { s, enc, dec, bytes, dest } = globalThis.bench; for (let i = 0; i < `+strconv.Itoa(n)+`; i++) `+bc.body+` return null;`)
			}
		})
	}
}
