package encoding

import (
	"fmt"
	"testing"
)

// singleByteVectors gives, for each single-byte encoding, what the bytes
// of singleByteProbe decode to, taken from the standard's index files
// (U+FFFD where the index has no entry).
var singleByteVectors = []struct{ name, want string }{
	{"ibm866", "\u0410\u0411\u041d\u042d\u0431\u0435\u043a\u2514\u2565\u2588\u2116\u00a0"},
	{"iso-8859-2", "\u0080\u0081\u008d\u009d\u0104\u013d\u015e\u0154\u0147\u0170\u00fc\u02d9"},
	{"iso-8859-3", "\u0080\u0081\u008d\u009d\u0126\ufffd\u015e\u00c0\u00d2\u00db\u00fc\u02d9"},
	{"iso-8859-4", "\u0080\u0081\u008d\u009d\u0104\u0128\u0112\u0100\u014c\u00db\u00fc\u02d9"},
	{"iso-8859-5", "\u0080\u0081\u008d\u009d\u0401\u0405\u040a\u0420\u0432\u043b\u045c\u045f"},
	{"iso-8859-6", "\u0080\u0081\u008d\u009d\ufffd\ufffd\ufffd\ufffd\u0632\ufffd\ufffd\ufffd"},
	{"iso-8859-7", "\u0080\u0081\u008d\u009d\u2018\u20af\u037a\u0390\ufffd\u03ab\u03cc\ufffd"},
	{"iso-8859-8", "\u0080\u0081\u008d\u009d\ufffd\u00a5\u00d7\ufffd\ufffd\ufffd\ufffd\ufffd"},
	{"iso-8859-10", "\u0080\u0081\u008d\u009d\u0104\u0128\u0160\u0100\u014c\u00db\u00fc\u0138"},
	{"iso-8859-13", "\u0080\u0081\u008d\u009d\u201d\u201e\u0156\u0104\u0145\u016a\u00fc\u2019"},
	{"iso-8859-14", "\u0080\u0081\u008d\u009d\u1e02\u010b\u1e82\u00c0\u00d2\u00db\u00fc\u00ff"},
	{"iso-8859-15", "\u0080\u0081\u008d\u009d\u00a1\u00a5\u00aa\u00c0\u00d2\u00db\u00fc\u00ff"},
	{"iso-8859-16", "\u0080\u0081\u008d\u009d\u0104\u201e\u0218\u00c0\u00d2\u00db\u00fc\u00ff"},
	{"koi8-r", "\u2500\u2502\u2588\u00b2\u2551\u2554\u2559\u044e\u0440\u0448\u042d\u042a"},
	{"koi8-u", "\u2500\u2502\u2588\u00b2\u2551\u2554\u2559\u044e\u0440\u0448\u042d\u042a"},
	{"macintosh", "\u00c4\u00c5\u00e7\u00f9\u00b0\u2022\u2122\u00bf\u201c\u20ac\u00b8\u02c7"},
	{"windows-874", "\u20ac\u0081\u008d\u009d\u0e01\u0e05\u0e0a\u0e20\u0e32\ufffd\ufffd\ufffd"},
	{"windows-1250", "\u20ac\u0081\u0164\u0165\u02c7\u0104\u015e\u0154\u0147\u0170\u00fc\u02d9"},
	{"windows-1251", "\u0402\u0403\u040c\u045c\u040e\u0490\u0404\u0410\u0422\u042b\u044c\u044f"},
	{"windows-1252", "\u20ac\u0081\u008d\u009d\u00a1\u00a5\u00aa\u00c0\u00d2\u00db\u00fc\u00ff"},
	{"windows-1253", "\u20ac\u0081\u008d\u009d\u0385\u00a5\ufffd\u0390\ufffd\u03ab\u03cc\ufffd"},
	{"windows-1254", "\u20ac\u0081\u008d\u009d\u00a1\u00a5\u00aa\u00c0\u00d2\u00db\u00fc\u00ff"},
	{"windows-1255", "\u20ac\u0081\u008d\u009d\u00a1\u00a5\u00d7\u05b0\u05c2\ufffd\ufffd\ufffd"},
	{"windows-1256", "\u20ac\u067e\u0686\u200c\u060c\u00a5\u06be\u06c1\u0632\u063a\u00fc\u06d2"},
	{"windows-1257", "\u20ac\u0081\u00a8\u00af\ufffd\ufffd\u0156\u0104\u0145\u016a\u00fc\u02d9"},
	{"windows-1258", "\u20ac\u0081\u008d\u009d\u00a1\u00a5\u00aa\u00c0\u0309\u00db\u00fc\u00ff"},
	{"x-mac-cyrillic", "\u0410\u0411\u041d\u042d\u00b0\u2022\u2122\u0458\u201c\u045f\u044c\u20ac"},
}

var singleByteProbe = []byte{0x80, 0x81, 0x8d, 0x9d, 0xa1, 0xa5, 0xaa, 0xc0, 0xd2, 0xdb, 0xfc, 0xff}

func TestSingleByte(t *testing.T) {
	for _, tc := range singleByteVectors {
		dec := decoders[tc.name]
		if dec == nil {
			t.Errorf("%s: no decoder", tc.name)
			continue
		}
		for i, b := range singleByteProbe {
			want := string([]rune(tc.want)[i])
			got, _, _, ok := dec([]byte{'a', b}, 0, false, true)
			if !ok || got != "a"+want {
				t.Errorf("%s: byte %#x = %+q, want %+q", tc.name, b, got, "a"+want)
			}
			_, _, _, ok = dec([]byte{b}, 0, true, true)
			if ok != (want != "\uFFFD") {
				t.Errorf("%s: fatal decode of %#x ok = %v", tc.name, b, ok)
			}
		}
	}
	if got, _, _, _ := decoders["x-user-defined"]([]byte{0x41, 0x80, 0xff}, 0, false, true); got != "A\uF780\uF7FF" {
		t.Errorf("x-user-defined = %+q", got)
	}
}

// multiByteVectors are known byte sequences and their text; fatal says
// whether a fatal decoder accepts them.
var multiByteVectors = []struct {
	name  string
	in    []byte
	want  string
	valid bool
}{
	{"gb18030", []byte{0x81, 0x40, 0x80, 0x41}, "\u4e02\u20acA", true},
	{"gb18030", []byte{0x81, 0x30, 0x81, 0x30, 0x90, 0x30, 0x81, 0x30, 0xe3, 0x32, 0x9a, 0x35}, "\u0080\U00010000\U0010ffff", true},
	{"gb18030", []byte{0x84, 0x31, 0xa4, 0x37}, "\ufffd", true},
	{"gb18030", []byte{0x84, 0x31, 0xa4, 0x37, 0xff}, "\ufffd\ufffd", false},
	{"gb18030", []byte{0x81, 0x30, 0x81, 0x20}, "\ufffd0\ufffd ", false},
	{"gb18030", []byte{0x81, 0x30}, "\ufffd", false},
	// Where x/text's index differs from the standard's: the user-defined
	// areas, GB18030-2022's changes and pointer 7457.
	{"gb18030", []byte{0xaa, 0xa1, 0xf8, 0xa1, 0xa1, 0x40, 0xa7, 0xa0}, "\ue000\ue234\ue4c6\ue765", true},
	{"gb18030", []byte{0xa6, 0xd9, 0xa8, 0xbc, 0xfe, 0x59, 0xa2, 0xab, 0xd7, 0xfe}, "\ufe10\u1e3f\u9fb4\ue766\ue814", true},
	{"gb18030", []byte{0x81, 0x35, 0xf4, 0x37, 0x41}, "\ue7c7A", true},
	{"gb18030", []byte{0x84, 0x31, 0xa5, 0x30, 0xe3, 0x32, 0x9a, 0x36}, "\ufffd\ufffd", false},
	{"gb18030", []byte{0x81, 0x30, 0x20, 0x81, 0x7f, 0x81, 0xff}, "\ufffd0 \ufffd\u007f\ufffd", false},
	{"gbk", []byte{0x81, 0x40, 0x80, 0x81, 0x30, 0x81, 0x30}, "\u4e02\u20ac\u0080", true},
	{"big5", []byte{0xa4, 0x40, 0x87, 0x40, 0x88, 0x62}, "\u4e00\u43f0\u00ca\u0304", true},
	{"big5", []byte{0x81, 0x41, 0xa1, 0x20, 0xa4}, "\ufffdA\ufffd \ufffd", false},
	{"big5", []byte{0x80, 0xff}, "\ufffd\ufffd", false},
	{"euc-jp", []byte{0xa4, 0xa2, 0x8e, 0xb1, 0x8f, 0xb0, 0xa1, 0x41}, "\u3042\uff71\u4e02A", true},
	{"euc-jp", []byte{0xa1, 0x20, 0x8f, 0xa1, 0x20, 0xa4}, "\ufffd \ufffd \ufffd", false},
	{"shift_jis", []byte{0x82, 0xa0, 0xb1, 0xf0, 0x40, 0x81, 0x5f, 0x80}, "\u3042\uff71\ue000\uff3c\u0080", true},
	{"shift_jis", []byte{0x85, 0x40, 0x81, 0x20, 0xa0, 0x82}, "\ufffd@\ufffd \ufffd\ufffd", false},
	{"euc-kr", []byte{0xb0, 0xa1, 0x81, 0x41}, "\uac00\uac02", true},
	{"euc-kr", []byte{0xc8, 0x41, 0x80, 0xb0}, "\ufffdA\ufffd\ufffd", false},
	{"iso-2022-jp", []byte{0x1b, 0x24, 0x42, 0x30, 0x21, 0x1b, 0x28, 0x42, 0x41}, "\u4e9cA", true},
	{"iso-2022-jp", []byte{0x1b, 0x28, 0x4a, 0x5c, 0x7e, 0x1b, 0x28, 0x49, 0x31, 0x1b, 0x28, 0x42, 0x5c}, "\u00a5\u203e\uff71\\", true},
	{"iso-2022-jp", []byte{0x1b, 0x24, 0x42, 0x1b, 0x28, 0x42, 0x41}, "\ufffdA", false},
	{"iso-2022-jp", []byte{0x1b, 0x24, 0x42, 0x30}, "\ufffd", false},
	{"iso-2022-jp", []byte{0x1b, 0x28, 0x43, 0x41, 0x1b}, "\ufffd(CA\ufffd", false},
	{"iso-2022-jp", []byte{0x41, 0x0e, 0x80, 0x1b, 0x24}, "A\ufffd\ufffd\ufffd$", false},
	{"iso-2022-jp", []byte{0x1b, 0x24, 0x42, 0x30, 0x1b, 0x28, 0x42, 0x41}, "\ufffdA", false},
	{"utf-16le", []byte{0x41, 0x00, 0x3d, 0xd8, 0x00, 0xde, 0xac, 0x20}, "A\U0001f600\u20ac", true},
	{"utf-16le", []byte{0x00, 0xd8, 0x41, 0x00, 0x00, 0xdc, 0x42}, "\ufffdA\ufffd\ufffd", false},
	{"utf-16be", []byte{0x00, 0x41, 0xd8, 0x3d, 0xde, 0x00}, "A\U0001f600", true},
	{"utf-16be", []byte{0xd8, 0x3d}, "\ufffd", false},
}

// decodeSplit decodes in two streaming steps cut at cut, as TextDecoder
// does: the first call's undecoded tail is put in front of the second.
func decodeSplit(dec decoder, in []byte, cut int, fatal bool) (string, bool) {
	text1, pending, mode, ok := dec(in[:cut], 0, fatal, false)
	if !ok {
		return "", false
	}
	rest := append(append([]byte(nil), in[cut-pending:cut]...), in[cut:]...)
	text2, _, _, ok := dec(rest, mode, fatal, true)
	return text1 + text2, ok
}

func TestMultiByte(t *testing.T) {
	for _, tc := range multiByteVectors {
		name := fmt.Sprintf("%s % x", tc.name, tc.in)
		dec := decoders[tc.name]
		got, _, _, ok := dec(tc.in, 0, false, true)
		if !ok || got != tc.want {
			t.Errorf("%s = %+q, want %+q", name, got, tc.want)
		}
		if _, _, _, ok := dec(tc.in, 0, true, true); ok != tc.valid {
			t.Errorf("%s: fatal ok = %v, want %v", name, ok, tc.valid)
		}
		// Streaming: every cut gives the same text, and the same verdict
		// in fatal mode.
		for cut := 0; cut <= len(tc.in); cut++ {
			if got, _ := decodeSplit(dec, tc.in, cut, false); got != tc.want {
				t.Errorf("%s cut at %d = %+q, want %+q", name, cut, got, tc.want)
			}
			if _, ok := decodeSplit(dec, tc.in, cut, true); ok != tc.valid {
				t.Errorf("%s cut at %d: fatal ok = %v, want %v", name, cut, ok, tc.valid)
			}
		}
	}
}

func TestLabels(t *testing.T) {
	cases := map[string]string{
		"unicode-1-1-utf-8": "utf-8", " UTF8\n": "utf-8",
		"866": "ibm866", "csibm866": "ibm866",
		"latin2": "iso-8859-2", "iso-ir-101": "iso-8859-2", "l3": "iso-8859-3",
		"iso_8859-4": "iso-8859-4", "cyrillic": "iso-8859-5", "arabic": "iso-8859-6",
		"greek": "iso-8859-7", "hebrew": "iso-8859-8", "csiso88598i": "iso-8859-8-i",
		"latin6": "iso-8859-10", "iso8859-13": "iso-8859-13", "iso885914": "iso-8859-14",
		"l9": "iso-8859-15", "iso-8859-16": "iso-8859-16", "koi8": "koi8-r",
		"koi8-ru": "koi8-u", "mac": "macintosh", "x-mac-roman": "macintosh",
		"tis-620": "windows-874", "cp1250": "windows-1250", "x-cp1251": "windows-1251",
		"latin1": "windows-1252", "ascii": "windows-1252", "iso-8859-1": "windows-1252",
		"us-ascii": "windows-1252", "cp1253": "windows-1253", "latin5": "windows-1254",
		"iso-8859-9": "windows-1254", "cp1255": "windows-1255", "cp1256": "windows-1256",
		"cp1257": "windows-1257", "cp1258": "windows-1258", "x-mac-ukrainian": "x-mac-cyrillic",
		"gb2312": "gbk", "chinese": "gbk", "x-gbk": "gbk", "gb18030": "gb18030",
		"big5-hkscs": "big5", "cn-big5": "big5", "x-euc-jp": "euc-jp",
		"csiso2022jp": "iso-2022-jp", "ms932": "shift_jis", "sjis": "shift_jis",
		"windows-31j": "shift_jis", "ks_c_5601-1987": "euc-kr", "windows-949": "euc-kr",
		"utf-16": "utf-16le", "unicode": "utf-16le", "ucs-2": "utf-16le",
		"unicodefffe": "utf-16be", "utf-16be": "utf-16be", "x-user-defined": "x-user-defined",
	}
	for label, want := range cases {
		got := resolveLabel(label)
		if got != want {
			t.Errorf("label %q = %q, want %q", label, got, want)
		}
		if decoders[got] == nil {
			t.Errorf("label %q: no decoder for %q", label, got)
		}
	}
	// Labels of the replacement encoding resolve, but TextDecoder has no
	// decoder for it (it throws a RangeError); the rest are no labels.
	for _, label := range []string{"iso-2022-kr", "hz-gb-2312", "csiso2022kr", "iso-2022-cn", "iso-2022-cn-ext", "replacement"} {
		if got := resolveLabel(label); got != "replacement" || decoders[got] != nil {
			t.Errorf("label %q = %q (decoder %v), want replacement without a decoder", label, got, decoders[got] != nil)
		}
	}
	for _, label := range []string{"", "utf-7", "\vutf-8", "utf-8\u00a0", "\u212aoi8-r", "latin-1"} {
		if got := resolveLabel(label); got != "" {
			t.Errorf("label %q = %q, want no encoding", label, got)
		}
	}
}
