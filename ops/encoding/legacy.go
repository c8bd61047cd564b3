package encoding

import (
	"bytes"
	"strings"
	"unicode/utf8"

	xencoding "golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/transform"
)

// The encodings of the WHATWG Encoding Standard besides UTF-8. Labels are
// resolved by golang.org/x/text/encoding/htmlindex, which carries the
// standard's label table. Where x/text's decoder does what the standard
// says (EUC-JP, EUC-KR; gb18030 and GBK mostly, see decodeGB18030) it
// decodes. The single-byte encodings decode through tables built from
// x/text's (see singleByteTable). Elsewhere the byte-level state machine
// is ours and x/text only looks characters up in its index tables:
// Shift_JIS and Big5 (x/text swallows an ASCII trail byte that the
// standard reads again, and lacks Shift_JIS's user-defined area),
// ISO-2022-JP (x/text has no output flag and accepts JIS X 0212) and
// UTF-16 (a streaming tail and lone surrogates as the standard handles
// them). Each of these was checked against the standard's index files for
// every two-byte sequence; legacy_test.go keeps known vectors.

// singleByteEncodings are decoded through a 256-entry table built from
// x/text's charmap at start-up.
var singleByteEncodings = []string{
	"ibm866", "iso-8859-2", "iso-8859-3", "iso-8859-4", "iso-8859-5",
	"iso-8859-6", "iso-8859-7", "iso-8859-8", "iso-8859-8-i", "iso-8859-10",
	"iso-8859-13", "iso-8859-14", "iso-8859-15", "iso-8859-16", "koi8-r",
	"koi8-u", "macintosh", "windows-874", "windows-1250", "windows-1251",
	"windows-1252", "windows-1253", "windows-1254", "windows-1255",
	"windows-1256", "windows-1257", "windows-1258", "x-mac-cyrillic",
	"x-user-defined",
}

// xtextEncodings are the multi-byte encodings whose x/text decoder is
// used as is.
var xtextEncodings = []string{"euc-jp", "euc-kr"}

func init() {
	for _, name := range singleByteEncodings {
		decoders[name] = singleByteDecoder(singleByteTable(mustGet(name)))
	}
	for _, name := range xtextEncodings {
		decoders[name] = xtextDecoder(mustGet(name))
	}
	// The standard's GBK decoder is gb18030's.
	decoders["gb18030"] = decodeGB18030
	decoders["gbk"] = decodeGB18030
	decoders["shift_jis"] = decodeShiftJIS
	decoders["big5"] = decodeBig5
	decoders["iso-2022-jp"] = decodeISO2022JP
	decoders["utf-16le"] = utf16Decoder(false)
	decoders["utf-16be"] = utf16Decoder(true)
}

func mustGet(name string) xencoding.Encoding {
	e, err := htmlindex.Get(name)
	if err != nil {
		panic("encoding: x/text lacks " + name + ": " + err.Error())
	}
	return e
}

// resolveLabel returns the encoding name a label stands for, per the
// standard's "get an encoding": ASCII whitespace trimmed, ASCII case
// folded, nothing else (so a label with a non-ASCII letter that Unicode
// case folding would turn into a label is not one). "" means failure.
func resolveLabel(label string) string {
	label = strings.Trim(label, "\t\n\f\r ")
	for i := 0; i < len(label); i++ {
		if label[i] >= utf8.RuneSelf {
			return ""
		}
	}
	// htmlindex also trims Unicode spaces such as \v; the standard does not.
	if strings.TrimSpace(label) != label {
		return ""
	}
	e, err := htmlindex.Get(label)
	if err != nil {
		return ""
	}
	name, err := htmlindex.Name(e)
	if err != nil {
		return ""
	}
	return name
}

var replacementChar = []byte("\uFFFD")

// singleByteTable decodes every byte with e. x/text's tables predate the
// standard mapping the unassigned bytes 0x80-0x9F of the ISO-8859 and
// windows encodings to the C1 controls of the same value, so those are
// filled in; what stays U+FFFD is unassigned in the standard too.
func singleByteTable(e xencoding.Encoding) *[256]rune {
	var t [256]rune
	d := e.NewDecoder()
	for i := range t {
		out, err := d.Bytes([]byte{byte(i)})
		r, _ := utf8.DecodeRune(out)
		if err != nil || len(out) == 0 {
			r = utf8.RuneError
		}
		if r == utf8.RuneError && i >= 0x80 && i <= 0x9F {
			r = rune(i)
		}
		t[i] = r
	}
	return &t
}

// singleByteDecoder decodes through a table; U+FFFD in it is an
// unassigned byte.
func singleByteDecoder(t *[256]rune) decoder {
	return func(src []byte, _ uint16, fatal, _ bool) (string, int, uint16, bool) {
		var b strings.Builder
		b.Grow(len(src) + len(src)/2)
		for _, c := range src {
			if c < utf8.RuneSelf {
				b.WriteByte(c)
				continue
			}
			r := t[c]
			if r == utf8.RuneError && fatal {
				return "", 0, 0, false
			}
			b.WriteRune(r)
		}
		return b.String(), 0, 0, true
	}
}

// transformAll runs a stateless x/text decoder over src without atEOF, so
// that an incomplete sequence at the end is left unconsumed. It returns
// the UTF-8 output and how many bytes of src were consumed.
func transformAll(t transform.Transformer, src []byte) ([]byte, int) {
	dst := make([]byte, len(src)*3+8)
	nDst, nSrc := 0, 0
	for {
		nd, ns, err := t.Transform(dst[nDst:], src[nSrc:], false)
		nDst += nd
		nSrc += ns
		if err == transform.ErrShortDst {
			dst = append(dst, make([]byte, len(dst))...)
			continue
		}
		return dst[:nDst], nSrc
	}
}

// xtextDecoder decodes with an x/text decoder. x/text writes U+FFFD for
// invalid input; in fatal mode any U+FFFD is an error (none of these
// encodings can encode U+FFFD). An incomplete sequence at the end of the
// input is one U+FFFD, as the standard's decoders all say.
func xtextDecoder(e xencoding.Encoding) decoder {
	return func(src []byte, _ uint16, fatal, flush bool) (string, int, uint16, bool) {
		out, n := transformAll(e.NewDecoder(), src)
		pending := len(src) - n
		if flush && pending > 0 {
			if fatal {
				return "", 0, 0, false
			}
			out = append(out, replacementChar...)
			pending = 0
		}
		if fatal && bytes.Contains(out, replacementChar) {
			return "", 0, 0, false
		}
		return string(out), pending, 0, true
	}
}

// gb18030 is decoded by x/text when its output has no U+FFFD, which is
// when x/text and the standard agree. x/text's two-byte index predates
// the standard's mapping of GB18030's user-defined areas to the Private
// Use Area and the GB18030-2022 changes, and it maps the four-byte
// pointer 7457 to U+1E3F where the standard says U+E7C7; for input that
// touches any of that, decodeGB18030 runs the standard's decoder itself,
// taking characters from x/text and the differences from below.

// gb18030Pointer7457 is the four-byte sequence of pointer 7457.
var gb18030Pointer7457 = []byte{0x81, 0x35, 0xF4, 0x37}

// gb18030Extra lists the two-byte pointers outside the user-defined
// areas that the standard's index-gb18030.txt maps and x/text does not,
// as runs: pointer, code point, length. Generated by comparing x/text's
// decoder with the index for every two-byte pointer.
var gb18030Extra = [][3]int{
	{6376, 0xE766, 6}, {6433, 0xE76D, 1}, {6444, 0xE76E, 2},
	{6458, 0xE770, 2}, {6829, 0xE772, 11}, {7022, 0xE77D, 8},
	{7150, 0xE785, 8}, {7182, 0xFE10, 1}, {7183, 0xFE12, 1},
	{7184, 0xFE11, 1}, {7185, 0xFE13, 4}, {7201, 0xFE17, 2},
	{7208, 0xFE19, 1}, {7211, 0xE797, 9}, {7349, 0xE7A0, 15},
	{7397, 0xE7AF, 13}, {7495, 0xE7BC, 11}, {7533, 0x1E3F, 1},
	{7538, 0xE7C9, 4}, {7579, 0xE7CD, 21}, {7624, 0xE7E2, 1},
	{7627, 0xE7E3, 1}, {7629, 0xE7E4, 3}, {7686, 0xE7F4, 13},
	{7775, 0xE801, 15}, {16525, 0xE810, 5}, {23767, 0xE816, 3},
	{23775, 0x9FB4, 1}, {23783, 0x9FB5, 1}, {23788, 0x9FB6, 2},
	{23794, 0xE831, 1}, {23795, 0x9FB8, 1}, {23804, 0xE83B, 1},
	{23812, 0x9FB9, 1}, {23829, 0x9FBA, 1}, {23830, 0xE855, 1},
	{23845, 0x9FBB, 1},
}

// gb18030Missing returns the code point of a two-byte sequence that
// x/text does not map: the three user-defined areas, which GB18030 maps
// to the Private Use Area in order, then gb18030Extra.
func gb18030Missing(lead, trail byte, pointer int) (rune, bool) {
	switch {
	case lead >= 0xAA && lead <= 0xAF && trail >= 0xA1 && trail <= 0xFE:
		return 0xE000 + rune(lead-0xAA)*94 + rune(trail-0xA1), true
	case lead >= 0xF8 && lead <= 0xFE && trail >= 0xA1 && trail <= 0xFE:
		return 0xE234 + rune(lead-0xF8)*94 + rune(trail-0xA1), true
	case lead >= 0xA1 && lead <= 0xA7 && trail >= 0x40 && trail <= 0xA0 && trail != 0x7F:
		t := rune(trail - 0x40)
		if trail > 0x7F {
			t--
		}
		return 0xE4C6 + rune(lead-0xA1)*96 + t, true
	}
	for _, r := range gb18030Extra {
		if pointer >= r[0] && pointer < r[0]+r[2] {
			return rune(r[1] + pointer - r[0]), true
		}
	}
	return 0, false
}

var gb18030 = mustGet("gb18030")

func decodeGB18030(src []byte, _ uint16, fatal, flush bool) (string, int, uint16, bool) {
	out, n := transformAll(gb18030.NewDecoder(), src)
	if !bytes.Contains(out, replacementChar) && !bytes.Contains(src, gb18030Pointer7457) && (n == len(src) || !flush) {
		return string(out), len(src) - n, 0, true
	}
	return decodeGB18030Slow(src, fatal, flush)
}

// decodeGB18030Slow is the standard's gb18030 decoder, byte by byte. A
// sequence cut by the end of a chunk is left pending and read again from
// its first byte, which gives what the standard's state would.
func decodeGB18030Slow(src []byte, fatal, flush bool) (string, int, uint16, bool) {
	t := gb18030.NewDecoder()
	var tmp [16]byte
	var b strings.Builder
	b.Grow(len(src) * 2)
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c < 0x80:
			b.WriteByte(c)
			i++
			continue
		case c == 0x80:
			b.WriteRune(0x20AC)
			i++
			continue
		case c == 0xFF:
			if fatal {
				return "", 0, 0, false
			}
			b.WriteRune(utf8.RuneError)
			i++
			continue
		}
		// c is a lead byte. How many bytes the sequence has so far, and
		// how many it needs, decide what comes next.
		avail := len(src) - i
		need := 2
		if avail >= 2 && src[i+1] >= 0x30 && src[i+1] <= 0x39 {
			need = 4
		}
		// A four-byte sequence whose third byte is wrong is an error as
		// soon as that byte is seen; only a prefix that could still be
		// valid waits for more input.
		valid3 := avail < 3 || need == 2 || src[i+2] >= 0x81 && src[i+2] <= 0xFE
		if avail < need && valid3 {
			if !flush {
				return b.String(), avail, 0, true
			}
			if fatal {
				return "", 0, 0, false
			}
			b.WriteRune(utf8.RuneError)
			break
		}
		if need == 4 {
			if !valid3 || src[i+3] < 0x30 || src[i+3] > 0x39 {
				// The second byte (a digit) is read again, and what
				// follows it.
				if fatal {
					return "", 0, 0, false
				}
				b.WriteRune(utf8.RuneError)
				i++
				continue
			}
			pointer := (int(c)-0x81)*12600 + int(src[i+1]-0x30)*1260 + int(src[i+2]-0x81)*10 + int(src[i+3]-0x30)
			var r rune = -1
			switch {
			case pointer == 7457:
				r = 0xE7C7
			case pointer >= 189000 && pointer <= 1237575:
				r = rune(0x10000 + pointer - 189000)
			case pointer <= 39419:
				t.Reset()
				n, _, _ := t.Transform(tmp[:], src[i:i+4], true)
				if d, _ := utf8.DecodeRune(tmp[:n]); d != utf8.RuneError && n > 0 {
					r = d
				} else if bytes.Equal(src[i:i+4], []byte{0x84, 0x31, 0xA4, 0x37}) {
					r = utf8.RuneError // U+FFFD itself, no error
				}
			}
			i += 4
			if r < 0 {
				if fatal {
					return "", 0, 0, false
				}
				r = utf8.RuneError
			}
			b.WriteRune(r)
			continue
		}
		trail := src[i+1]
		if trail >= 0x40 && trail <= 0x7E || trail >= 0x80 && trail <= 0xFE {
			offset := 0x41
			if trail < 0x7F {
				offset = 0x40
			}
			pointer := (int(c)-0x81)*190 + int(trail) - offset
			t.Reset()
			n, _, _ := t.Transform(tmp[:], src[i:i+2], true)
			if d, _ := utf8.DecodeRune(tmp[:n]); n > 0 && d != utf8.RuneError {
				b.Write(tmp[:n])
				i += 2
				continue
			}
			if r, ok := gb18030Missing(c, trail, pointer); ok {
				b.WriteRune(r)
				i += 2
				continue
			}
		}
		if fatal {
			return "", 0, 0, false
		}
		b.WriteRune(utf8.RuneError)
		if trail < 0x80 {
			i++ // the ASCII trail is read again
		} else {
			i += 2
		}
	}
	return b.String(), 0, 0, true
}

// pairLookup decodes one two-byte character with an x/text decoder used
// only as an index table; ok is false when the index has no entry.
type pairLookup struct {
	t   transform.Transformer
	buf [16]byte
}

func (p *pairLookup) lookup(lead, trail byte) ([]byte, bool) {
	p.t.Reset()
	n, _, _ := p.t.Transform(p.buf[:], []byte{lead, trail}, true)
	out := p.buf[:n]
	if bytes.Equal(out, replacementChar) || n == 0 {
		return nil, false
	}
	return out, true
}

var (
	shiftJIS = mustGet("shift_jis")
	big5     = mustGet("big5")
	eucJP    = mustGet("euc-jp")
)

// doubleByte runs the standard's shape of a double-byte decoder. single
// handles a byte outside a sequence: its code point, or isLead, or an
// error. pair handles lead and trail: the text, or ok false (null), in
// which case an ASCII trail is read again, as the standard says.
func doubleByte(src []byte, fatal, flush bool, single func(b byte) (r rune, isLead, ok bool), pair func(lead, trail byte) ([]byte, bool)) (string, int, uint16, bool) {
	var b strings.Builder
	b.Grow(len(src) * 2)
	for i := 0; i < len(src); i++ {
		c := src[i]
		r, isLead, ok := single(c)
		if !isLead {
			if !ok {
				if fatal {
					return "", 0, 0, false
				}
				r = utf8.RuneError
			}
			b.WriteRune(r)
			continue
		}
		if i+1 == len(src) {
			if !flush {
				return b.String(), 1, 0, true
			}
			if fatal {
				return "", 0, 0, false
			}
			b.WriteRune(utf8.RuneError)
			break
		}
		trail := src[i+1]
		if text, ok := pair(c, trail); ok {
			b.Write(text)
			i++
			continue
		}
		if fatal {
			return "", 0, 0, false
		}
		b.WriteRune(utf8.RuneError)
		if trail >= 0x80 {
			i++
		}
	}
	return b.String(), 0, 0, true
}

// decodeShiftJIS is the standard's Shift_JIS decoder.
func decodeShiftJIS(src []byte, _ uint16, fatal, flush bool) (string, int, uint16, bool) {
	p := &pairLookup{t: shiftJIS.NewDecoder()}
	var eudc [4]byte
	return doubleByte(src, fatal, flush,
		func(c byte) (rune, bool, bool) {
			switch {
			case c <= 0x80:
				return rune(c), false, true
			case c >= 0xA1 && c <= 0xDF:
				return 0xFF61 - 0xA1 + rune(c), false, true
			case c >= 0x81 && c <= 0x9F || c >= 0xE0 && c <= 0xFC:
				return 0, true, true
			}
			return 0, false, false
		},
		func(lead, trail byte) ([]byte, bool) {
			if !(trail >= 0x40 && trail <= 0x7E || trail >= 0x80 && trail <= 0xFC) {
				return nil, false
			}
			offset, leadOffset := 0x41, 0xC1
			if trail < 0x7F {
				offset = 0x40
			}
			if lead < 0xA0 {
				leadOffset = 0x81
			}
			pointer := (int(lead)-leadOffset)*188 + int(trail) - offset
			if pointer >= 8836 && pointer <= 10715 {
				// The user-defined area maps to the Private Use Area.
				n := utf8.EncodeRune(eudc[:], rune(0xE000-8836+pointer))
				return eudc[:n], true
			}
			return p.lookup(lead, trail)
		})
}

// decodeBig5 is the standard's Big5 decoder.
func decodeBig5(src []byte, _ uint16, fatal, flush bool) (string, int, uint16, bool) {
	p := &pairLookup{t: big5.NewDecoder()}
	return doubleByte(src, fatal, flush,
		func(c byte) (rune, bool, bool) {
			switch {
			case c < 0x80:
				return rune(c), false, true
			case c >= 0x81 && c <= 0xFE:
				return 0, true, true
			}
			return 0, false, false
		},
		func(lead, trail byte) ([]byte, bool) {
			if !(trail >= 0x40 && trail <= 0x7E || trail >= 0xA1 && trail <= 0xFE) {
				return nil, false
			}
			return p.lookup(lead, trail)
		})
}

// ISO-2022-JP decoder states; a mode holds the state to output in (bits
// 0-1) and the standard's output flag (bit 2).
const (
	isoASCII = iota
	isoRoman
	isoKatakana
	isoLead       // JIS X 0208 lead byte
	isoOutputFlag = 4
)

// decodeISO2022JP is the standard's ISO-2022-JP decoder. An escape
// sequence or a JIS X 0208 pair cut by the end of a chunk is left
// pending together with the mode it started in, and replayed in front of
// the next chunk; the mode carries the rest.
func decodeISO2022JP(src []byte, mode uint16, fatal, flush bool) (string, int, uint16, bool) {
	p := &pairLookup{t: eucJP.NewDecoder()}
	state := int(mode & 3)
	flag := mode&isoOutputFlag != 0
	var b strings.Builder
	b.Grow(len(src) * 2)
	failed := false
	emitError := func() {
		if fatal {
			failed = true
		}
		b.WriteRune(utf8.RuneError)
	}
	save := func() uint16 {
		m := uint16(state)
		if flag {
			m |= isoOutputFlag
		}
		return m
	}
	for i := 0; i < len(src) && !failed; i++ {
		c := src[i]
		if c == 0x1B {
			// Escape start: needs two more bytes.
			if i+2 >= len(src) && !flush {
				return b.String(), len(src) - i, save(), true
			}
			if i+1 >= len(src) {
				flag = false
				emitError()
				break
			}
			l := src[i+1]
			if l != 0x24 && l != 0x28 {
				// The byte after ESC is read again in the current state.
				flag = false
				emitError()
				continue
			}
			if i+2 >= len(src) {
				// End of input: ESC is an error, the lead is read again.
				flag = false
				emitError()
				continue
			}
			next := -1
			switch x := src[i+2]; {
			case l == 0x28 && x == 0x42:
				next = isoASCII
			case l == 0x28 && x == 0x4A:
				next = isoRoman
			case l == 0x28 && x == 0x49:
				next = isoKatakana
			case l == 0x24 && (x == 0x40 || x == 0x42):
				next = isoLead
			}
			if next < 0 {
				// ESC is an error; its two bytes are read again.
				flag = false
				emitError()
				continue
			}
			state = next
			if flag {
				emitError()
			}
			flag = true
			i += 2
			continue
		}
		switch state {
		case isoASCII, isoRoman:
			if c >= 0x80 || c == 0x0E || c == 0x0F {
				flag = false
				emitError()
				continue
			}
			flag = false
			switch {
			case state == isoRoman && c == 0x5C:
				b.WriteRune(0xA5)
			case state == isoRoman && c == 0x7E:
				b.WriteRune(0x203E)
			default:
				b.WriteByte(c)
			}
		case isoKatakana:
			flag = false
			if c >= 0x21 && c <= 0x5F {
				b.WriteRune(0xFF61 - 0x21 + rune(c))
			} else {
				emitError()
			}
		case isoLead:
			flag = false
			if c < 0x21 || c > 0x7E {
				emitError()
				continue
			}
			if i+1 == len(src) {
				if !flush {
					return b.String(), 1, save(), true
				}
				emitError()
				break
			}
			t := src[i+1]
			if t == 0x1B {
				// The lead is an error; the escape is read next.
				emitError()
				continue
			}
			i++
			if t < 0x21 || t > 0x7E {
				emitError()
				continue
			}
			if text, ok := p.lookup(c|0x80, t|0x80); ok {
				b.Write(text)
			} else {
				emitError()
			}
		}
	}
	if failed {
		return "", 0, 0, false
	}
	if flush {
		return b.String(), 0, 0, true
	}
	return b.String(), 0, save(), true
}

// utf16Decoder is the standard's UTF-16BE or UTF-16LE decoder: a lone
// surrogate or an odd byte at the end is U+FFFD.
func utf16Decoder(bigEndian bool) decoder {
	return func(src []byte, _ uint16, fatal, flush bool) (string, int, uint16, bool) {
		var b strings.Builder
		b.Grow(len(src) + len(src)/2)
		unit := func(i int) rune {
			if bigEndian {
				return rune(src[i])<<8 | rune(src[i+1])
			}
			return rune(src[i+1])<<8 | rune(src[i])
		}
		i := 0
		for ; i+1 < len(src); i += 2 {
			u := unit(i)
			switch {
			case u < 0xD800 || u > 0xDFFF:
				b.WriteRune(u)
			case u <= 0xDBFF:
				if i+3 >= len(src) {
					if !flush {
						return b.String(), len(src) - i, 0, true
					}
					if fatal {
						return "", 0, 0, false
					}
					b.WriteRune(utf8.RuneError)
					return b.String(), 0, 0, true
				}
				t := unit(i + 2)
				if t >= 0xDC00 && t <= 0xDFFF {
					b.WriteRune(0x10000 + (u-0xD800)<<10 + (t - 0xDC00))
					i += 2
					continue
				}
				// A lead surrogate without a trail: the next unit is read
				// again.
				if fatal {
					return "", 0, 0, false
				}
				b.WriteRune(utf8.RuneError)
			default:
				if fatal {
					return "", 0, 0, false
				}
				b.WriteRune(utf8.RuneError)
			}
		}
		if i < len(src) {
			if !flush {
				return b.String(), 1, 0, true
			}
			if fatal {
				return "", 0, 0, false
			}
			b.WriteRune(utf8.RuneError)
		}
		return b.String(), 0, 0, true
	}
}
