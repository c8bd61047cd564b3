package url

import "strings"

// The library's parser allocates per code point and costs several
// microseconds even for a plain URL, while most URLs a worker parses
// (request.url, fetch targets, "/path" against request.url) are already
// in the exact form the parser would serialize them to. fastParse
// recognizes that case, conservatively, and slices the components out of
// the input; anything it is not sure about goes to the library. It never
// decides that an input is invalid. TestFastPathMatchesLibrary and
// FuzzFastPath check that whenever it answers, the library agrees.

// span holds the component boundaries of a canonical http(s) URL s:
// s[:scheme] is the scheme, s[hostStart:hostEnd] the host, s[port:path]
// the ":port" (empty when port == path), s[path:query] the path,
// s[query:fragment] the "?query" and s[fragment:] the "#fragment" (each
// empty when absent).
type span struct {
	scheme, hostStart, hostEnd, path, query, fragment int
}

// fastParse returns the components of input against base (nil for none)
// when both are simple enough to be sure of them without the parser.
func fastParse(input string, base *string) (string, bool) {
	if base == nil {
		if sp, ok := canonicalHTTP(input); ok {
			return fastComponents(input, sp), true
		}
		return "", false
	}
	bsp, ok := canonicalHTTP(*base)
	if !ok {
		return "", false
	}
	// An absolute input ignores a base, once the base is known to parse.
	if sp, ok := canonicalHTTP(input); ok {
		return fastComponents(input, sp), true
	}
	// A path-absolute input ("/x", not "//x" or "/\x") keeps the base's
	// scheme and authority and brings its own path, query and fragment.
	if len(input) > 0 && input[0] == '/' && (len(input) == 1 || (input[1] != '/' && input[1] != '\\')) {
		joined := (*base)[:bsp.path] + input
		if sp, ok := canonicalHTTP(joined); ok {
			return fastComponents(joined, sp), true
		}
	}
	return "", false
}

// canonicalHTTP reports whether s is an absolute http: or https: URL with
// a plain ASCII host, no credentials, and nothing the parser would
// change: then parsing s gives s back, and sp says where its parts are.
func canonicalHTTP(s string) (sp span, ok bool) {
	switch {
	case strings.HasPrefix(s, "https://"):
		sp.scheme = 5
	case strings.HasPrefix(s, "http://"):
		sp.scheme = 4
	default:
		return sp, false
	}
	i := sp.scheme + 3
	sp.hostStart = i
	// The host: dot-separated, non-empty labels of [a-z0-9-], none an ACE
	// label ("xn--", which IDNA would check), the last one with a letter
	// and not starting with a digit, so that it cannot be read as an IPv4
	// number. (The library also takes a last label of 20 or more digits
	// and then a letter for a number, against the standard; that is left
	// to it.)
	labelStart := i
	hasLetter := false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
			hasLetter = true
		case c >= '0' && c <= '9' || c == '-':
		case c == '.':
			if i == labelStart || strings.HasPrefix(s[labelStart:i], "xn--") {
				return sp, false
			}
			labelStart = i + 1
			hasLetter = false
		default:
			goto hostDone
		}
	}
hostDone:
	if i == labelStart || !hasLetter || s[labelStart] >= '0' && s[labelStart] <= '9' || strings.HasPrefix(s[labelStart:i], "xn--") {
		// Not a domain the fast path is sure of; a dotted quad in its
		// serialized form (what request.url holds for a client that
		// dialled an address) is, and is common enough to be worth it.
		if !canonicalIPv4(s[sp.hostStart:i]) {
			return sp, false
		}
	}
	sp.hostEnd = i
	// An optional port: 1 to 5 digits, no leading zero, in range, and not
	// the scheme's default (which the parser drops).
	if i < len(s) && s[i] == ':' {
		i++
		start, n := i, 0
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			n = n*10 + int(s[i]-'0')
			if i-start >= 5 {
				return sp, false
			}
		}
		if i == start || s[start] == '0' || n > 65535 ||
			(sp.scheme == 4 && n == 80) || (sp.scheme == 5 && n == 443) {
			return sp, false
		}
	}
	// The path must be there (the parser adds "/" otherwise).
	if i >= len(s) || s[i] != '/' {
		return sp, false
	}
	sp.path = i
	i++
	segStart := i
	for ; i < len(s) && s[i] != '?' && s[i] != '#'; i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '`' || c == '{' || c == '}' || c == '\\' {
			return sp, false
		}
		if c == '%' && i+2 < len(s) && s[i+1] == '2' && (s[i+2] == 'e' || s[i+2] == 'E') {
			return sp, false // maybe an encoded dot segment
		}
		if c == '/' {
			if isDotSegment(s[segStart:i]) {
				return sp, false
			}
			segStart = i + 1
		}
	}
	if isDotSegment(s[segStart:i]) {
		return sp, false
	}
	sp.query = i
	if i < len(s) && s[i] == '?' {
		for i++; i < len(s) && s[i] != '#'; i++ {
			c := s[i]
			if c <= ' ' || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '\'' {
				return sp, false
			}
		}
	}
	sp.fragment = i
	if i < len(s) {
		// s[i] is '#'.
		for i++; i < len(s); i++ {
			c := s[i]
			if c <= ' ' || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '`' {
				return sp, false
			}
		}
	}
	return sp, true
}

// canonicalIPv4 reports whether h is four decimal octets, 0 to 255, with
// no leading zeros: the form the IPv4 serializer writes, so the parser
// gives it back unchanged.
func canonicalIPv4(h string) bool {
	parts := 0
	for len(h) > 0 {
		end := strings.IndexByte(h, '.')
		if end < 0 {
			end = len(h)
		}
		p := h[:end]
		if len(p) == 0 || len(p) > 3 || (len(p) > 1 && p[0] == '0') {
			return false
		}
		n := 0
		for i := 0; i < len(p); i++ {
			if p[i] < '0' || p[i] > '9' {
				return false
			}
			n = n*10 + int(p[i]-'0')
		}
		if n > 255 {
			return false
		}
		parts++
		if end == len(h) {
			break
		}
		h = h[end+1:]
		if len(h) == 0 {
			return false // a trailing dot
		}
	}
	return parts == 4
}

func isDotSegment(seg string) bool { return seg == "." || seg == ".." }

// fastComponents lays out a canonical URL's components as components does.
func fastComponents(s string, sp span) string {
	scheme := s[:sp.scheme]
	host := s[sp.hostStart:sp.hostEnd]
	port := ""
	if sp.hostEnd < sp.path {
		port = s[sp.hostEnd+1 : sp.path]
	}
	flags := 0
	query, fragment := "", ""
	if sp.query < sp.fragment {
		flags |= flagQuery
		query = s[sp.query+1 : sp.fragment]
	}
	if sp.fragment < len(s) {
		flags |= flagFragment
		fragment = s[sp.fragment+1:]
	}
	var b strings.Builder
	b.Grow(2*len(s) + 32)
	b.WriteString(s)
	b.WriteString(sep)
	b.WriteString(s[:sp.path]) // the origin: scheme://host[:port]
	b.WriteString(sep)
	b.WriteString(scheme)
	b.WriteString(":" + sep + sep + sep) // no username, no password
	b.WriteString(host)
	b.WriteString(sep)
	b.WriteString(port)
	b.WriteString(sep)
	b.WriteString(s[sp.path:sp.query])
	b.WriteString(sep)
	b.WriteString(query)
	b.WriteString(sep)
	b.WriteString(fragment)
	b.WriteString(sep)
	b.WriteByte(byte('0' + flags))
	return b.String()
}
