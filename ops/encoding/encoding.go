// Package encoding provides TextEncoder, TextDecoder (in every encoding of
// the WHATWG Encoding Standard), TextEncoderStream, TextDecoderStream, atob
// and btoa. JS holds the classes, their options and a decoder's streaming
// state; Go does the conversions, one crossing per call: UTF-8 encoding,
// decoding (by encoding name, through the decoders table; legacy.go adds
// the encodings besides UTF-8) and forgiving base64.
package encoding

import (
	_ "embed"
	"encoding/base64"
	"strings"
	"unicode/utf8"

	"github.com/worky-dev/worky/runtime"
)

//go:embed encoding.js
var js string

// Extension returns the encoding family. Its JS also provides "encoding"
// (encodeUTF8, decodeUTF8) to later families.
func Extension() *runtime.Extension {
	return &runtime.Extension{
		Name: "encoding",
		Deps: []string{"webidl", "dom"},
		JS:   []runtime.Script{{Name: "ext:encoding/encoding.js", Source: js}},
		Ops: []runtime.Op{
			{Name: "op_encoding_encode", Sync: opEncodingEncode},
			{Name: "op_encoding_encode_into", Sync: opEncodingEncodeInto},
			{Name: "op_encoding_resolve", Sync: opEncodingResolve},
			{Name: "op_encoding_decode", Sync: opEncodingDecode},
			{Name: "op_encoding_atob", Sync: opEncodingAtob},
			{Name: "op_encoding_btoa", Sync: opEncodingBtoa},
		},
	}
}

// opEncodingEncode returns the UTF-8 bytes of a string (JS has already
// replaced lone surrogates).
func opEncodingEncode(c *runtime.Call) (any, error) {
	return []byte(c.String(0)), nil
}

// opEncodingEncodeInto returns the longest prefix of a string's UTF-8
// bytes that ends on a character boundary and fits in capacity bytes.
func opEncodingEncodeInto(c *runtime.Call) (any, error) {
	s := c.String(0)
	capacity := int(c.Int(1))
	if len(s) <= capacity {
		return []byte(s), nil
	}
	n := max(capacity, 0)
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return []byte(s[:n]), nil
}

// opEncodingResolve returns the name of the encoding a label stands for,
// or "" when TextDecoder does not support it.
func opEncodingResolve(c *runtime.Call) (any, error) {
	name := resolveLabel(c.String(0))
	if _, ok := decoders[name]; !ok {
		return "", nil
	}
	return name, nil
}

// Flags of op_encoding_decode; also encoding.js: DECODE_*.
const (
	decodeFatal    = 1 // invalid input is a TypeError, not U+FFFD
	decodeStripBOM = 2 // drop a leading U+FEFF (the BOM was not seen yet)
	decodeStream   = 4 // more input follows: keep an incomplete tail
)

// opEncodingDecode decodes bytes (core.toGo) in the named encoding. Its
// arguments are the bytes, the encoding name, the flags above and the
// decoder's mode from the previous chunk.
//
// With decodeStream set, the text is preceded by three status characters
// (also encoding.js: readStatus): the first holds the number of trailing
// bytes left undecoded (bits 0-7) and whether any character was decoded,
// a dropped BOM included (bit 8); the second and third hold the decoder's
// mode, high byte first. JS passes the undecoded bytes again, in front of
// the next chunk.
func opEncodingDecode(c *runtime.Call) (any, error) {
	src, err := c.Bytes(0)
	if err != nil {
		return nil, err
	}
	name := c.String(1)
	flags := c.Int(2)
	mode := uint16(c.Int(3))
	dec := decoders[name]
	if dec == nil {
		return nil, runtime.RangeError("TextDecoder: unsupported encoding %q", name)
	}
	stream := flags&decodeStream != 0
	text, pending, mode, ok := dec(src, mode, flags&decodeFatal != 0, !stream)
	if !ok {
		return nil, runtime.TypeError("Failed to execute 'decode' on 'TextDecoder': The encoded data was not valid for encoding %s.", name)
	}
	produced := text != ""
	if flags&decodeStripBOM != 0 && bomEncodings[name] {
		text = strings.TrimPrefix(text, "\uFEFF")
	}
	if !stream {
		return text, nil
	}
	status := rune(pending)
	if produced {
		status |= 1 << 8
	}
	var b strings.Builder
	b.Grow(len(text) + 6)
	b.WriteRune(status)
	b.WriteRune(rune(mode >> 8))
	b.WriteRune(rune(mode & 0xff))
	b.WriteString(text)
	return b.String(), nil
}

// A decoder turns the bytes of one encoding into text. src is a chunk
// with the previous chunk's undecoded tail in front of it. Unless flush is
// set, an incomplete sequence at the end of src is left undecoded and its
// length returned as pending (at most 255). mode is what the encoding
// carries from chunk to chunk besides bytes (a stateful encoding's current
// mode; 0 at the start). With fatal set, invalid input makes ok false;
// otherwise it decodes as U+FFFD.
type decoder func(src []byte, mode uint16, fatal, flush bool) (text string, pending int, newMode uint16, ok bool)

// decoders maps an encoding name (lower case, as TextDecoder.encoding
// reports it) to its decoder; legacy.go adds every encoding besides UTF-8.
var decoders = map[string]decoder{
	"utf-8": decodeUTF8,
}

// bomEncodings are those whose leading BOM TextDecoder drops (unless
// ignoreBOM): the standard does so for UTF-8 and UTF-16 only.
var bomEncodings = map[string]bool{"utf-8": true, "utf-16le": true, "utf-16be": true}

// decodeUTF8 is the WHATWG UTF-8 decoder: each maximal invalid subpart
// becomes one U+FFFD.
func decodeUTF8(src []byte, _ uint16, fatal, flush bool) (string, int, uint16, bool) {
	if utf8.Valid(src) {
		return string(src), 0, 0, true
	}
	var b strings.Builder
	b.Grow(len(src) + 8)
	var (
		needed, seen int
		cp           rune
		lower, upper byte = 0x80, 0xBF
		start        int  // where the sequence being read began
	)
	for i := 0; i < len(src); i++ {
		c := src[i]
		if needed == 0 {
			start = i
			switch {
			case c < 0x80:
				b.WriteByte(c)
			case c >= 0xC2 && c <= 0xDF:
				needed, cp = 1, rune(c&0x1F)
			case c >= 0xE0 && c <= 0xEF:
				if c == 0xE0 {
					lower = 0xA0
				} else if c == 0xED {
					upper = 0x9F
				}
				needed, cp = 2, rune(c&0x0F)
			case c >= 0xF0 && c <= 0xF4:
				if c == 0xF0 {
					lower = 0x90
				} else if c == 0xF4 {
					upper = 0x8F
				}
				needed, cp = 3, rune(c&0x07)
			default:
				if fatal {
					return "", 0, 0, false
				}
				b.WriteRune(utf8.RuneError)
			}
			continue
		}
		if c < lower || c > upper {
			// The sequence so far is a maximal subpart: one U+FFFD, and
			// c is read again as the start of what follows.
			needed, seen, cp, lower, upper = 0, 0, 0, 0x80, 0xBF
			if fatal {
				return "", 0, 0, false
			}
			b.WriteRune(utf8.RuneError)
			i--
			continue
		}
		lower, upper = 0x80, 0xBF
		cp = cp<<6 | rune(c&0x3F)
		seen++
		if seen == needed {
			b.WriteRune(cp)
			needed, seen, cp = 0, 0, 0
		}
	}
	if needed != 0 {
		if !flush {
			return b.String(), len(src) - start, 0, true
		}
		if fatal {
			return "", 0, 0, false
		}
		b.WriteRune(utf8.RuneError)
	}
	return b.String(), 0, 0, true
}

// opEncodingAtob is atob: forgiving-base64 decode, the bytes returned as a
// string of code points 0-255.
func opEncodingAtob(c *runtime.Call) (any, error) {
	s := strings.Map(func(r rune) rune {
		switch r {
		case '\t', '\n', '\f', '\r', ' ':
			return -1
		}
		return r
	}, c.String(0))
	if len(s)%4 == 0 {
		if strings.HasSuffix(s, "==") {
			s = s[:len(s)-2]
		} else if strings.HasSuffix(s, "=") {
			s = s[:len(s)-1]
		}
	}
	invalid := runtime.DOMException("InvalidCharacterError", "Failed to execute 'atob': The string to be decoded is not correctly encoded.")
	if len(s)%4 == 1 {
		return nil, invalid
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/') {
			return nil, invalid
		}
	}
	data, err := base64.RawStdEncoding.DecodeString(s)
	if err != nil {
		return nil, invalid
	}
	return latin1(data), nil
}

// latin1 returns the string whose code points are the bytes of data.
func latin1(data []byte) string {
	var b strings.Builder
	b.Grow(len(data) * 2)
	for _, c := range data {
		if c < utf8.RuneSelf {
			b.WriteByte(c)
		} else {
			b.WriteRune(rune(c))
		}
	}
	return b.String()
}

// opEncodingBtoa is btoa: the string's code points, each at most 0xFF,
// taken as bytes and base64-encoded.
func opEncodingBtoa(c *runtime.Call) (any, error) {
	s := c.String(0)
	data := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 0xFF {
			return nil, runtime.DOMException("InvalidCharacterError", "Failed to execute 'btoa': The string to be encoded contains characters outside of the Latin1 range.")
		}
		data = append(data, byte(r))
	}
	return base64.StdEncoding.EncodeToString(data), nil
}
