// Package url is the URL family: the WHATWG URL and URLSearchParams
// classes, and URLPattern. Parsing, setters and serialization run in Go
// with github.com/nlnwa/whatwg-url, except that URLs already in their
// serialized form skip it (fastpath.go); the classes, their brand checks
// and the application/x-www-form-urlencoded list live in url.js.
// URLPattern's parser and matching are JS (urlpattern.js, over V8's
// RegExp); the canonicalization of its components is Go (urlpattern.go).
package url

import (
	_ "embed"
	"strings"

	whatwg "github.com/nlnwa/whatwg-url/url"
	"github.com/worky-dev/worky/runtime"
)

//go:embed url.js
var urlJS string

//go:embed urlpattern.js
var urlPatternJS string

// Extension returns the url family: the globals URL, URLSearchParams and
// URLPattern.
func Extension() *runtime.Extension {
	return &runtime.Extension{
		Name: "url",
		JS: []runtime.Script{
			{Name: "ext:url/url.js", Source: urlJS},
			{Name: "ext:url/urlpattern.js", Source: urlPatternJS},
		},
		Ops: []runtime.Op{
			{Name: "op_url_parse", Sync: opURLParse},
			{Name: "op_url_can_parse", Sync: opURLCanParse},
			{Name: "op_url_set", Sync: opURLSet},
			{Name: "op_url_pattern_canon", Sync: opURLPatternCanon},
		},
	}
}

// The parser keeps only read-only options, so one serves every isolate.
var parser = whatwg.NewParser()

// A parse result reaches JS as one string: these fields, in this order,
// joined by sep. NUL cannot occur inside any of them, since every
// component of a parsed URL percent-encodes or rejects C0 controls. The
// same layout is spelled out at the top of url.js.
const (
	fieldHref = iota
	fieldOrigin
	fieldProtocol
	fieldUsername
	fieldPassword
	fieldHostname
	fieldPort
	fieldPathname
	fieldQuery    // without "?"; "" when null (see flagQuery)
	fieldFragment // without "#"; "" when null (see flagFragment)
	fieldFlags    // the flag* bits, as one decimal digit
	numFields
)

const sep = "\x00"

// Flags say which of query and fragment are null rather than empty, and
// whether the path is opaque; also in url.js.
const (
	flagQuery = 1 << iota
	flagFragment
	flagOpaquePath
)

// The setters, by the number JS passes to op_url_set; also in url.js.
const (
	setProtocol = iota
	setUsername
	setPassword
	setHost
	setHostname
	setPort
	setPathname
	setSearch
	setHash
)

// op_url_parse fails with one of these numbers; also in url.js.
const (
	failInput = 1 // the input does not parse
	failBase  = 2 // the base does not parse
)

// opURLParse parses (input, base?) and returns the components, or
// failInput or failBase: JS throws the TypeError, naming both strings.
func opURLParse(c *runtime.Call) (any, error) {
	input, base := parseArgs(c)
	if comps, ok := fastParse(input, base); ok {
		return comps, nil
	}
	u, fail := parse(input, base)
	if fail != 0 {
		return fail, nil
	}
	return components(u), nil
}

// opURLCanParse is URL.canParse(input, base?).
func opURLCanParse(c *runtime.Call) (any, error) {
	input, base := parseArgs(c)
	if _, ok := fastParse(input, base); ok {
		return true, nil
	}
	_, fail := parse(input, base)
	return fail == 0, nil
}

// parseArgs reads the input and the base, nil when argument 1 is
// undefined (JS passes undefined for "no base").
func parseArgs(c *runtime.Call) (string, *string) {
	input := c.String(0)
	if b := c.Arg(1); !b.IsUndefined() {
		base := b.String()
		return input, &base
	}
	return input, nil
}

// parse runs the library's basic URL parser on input against base.
func parse(input string, base *string) (*whatwg.Url, int) {
	var b *whatwg.Url
	if base != nil {
		var err error
		if b, err = parser.Parse(*base); err != nil {
			return nil, failBase
		}
	}
	u, err := parser.BasicParser(input, b, nil, whatwg.NoState)
	if err != nil || u == nil {
		return nil, failInput
	}
	return u, 0
}

// opURLSet applies setter (one of the set* values) with value to the URL
// whose href is given, and returns the new components. A value the setter
// rejects leaves the URL as it was, as the standard's setters do.
func opURLSet(c *runtime.Call) (any, error) {
	href := c.String(0)
	kind := int(c.Int(1))
	value := c.String(2)
	u, err := parser.Parse(href)
	if err != nil {
		// Cannot happen for an href this family produced.
		return nil, runtime.TypeError("Invalid URL: %q", href)
	}
	if err := set(u, kind, value); err != nil {
		return nil, err
	}
	return components(u), nil
}

// set runs one of the URL setters of the standard (§6.1, the URL class).
func set(u *whatwg.Url, kind int, value string) error {
	switch kind {
	case setProtocol:
		u.SetProtocol(value)
	case setUsername:
		u.SetUsername(value)
	case setPassword:
		u.SetPassword(value)
	case setHost:
		u.SetHost(value)
	case setHostname:
		u.SetHostname(value)
	case setPort:
		u.SetPort(value)
	case setPathname:
		u.SetPathname(value)
	case setSearch:
		u.SetSearch(value)
	case setHash:
		u.SetHash(value)
	default:
		return runtime.TypeError("op_url_set: unknown setter %d", kind)
	}
	return nil
}

// components serializes u into the layout JS reads.
func components(u *whatwg.Url) string {
	href := u.Href(false)
	scheme := u.Scheme()
	flags := 0
	// '#' and '?' cannot occur before the fragment and the query in a
	// serialized URL (every earlier component encodes or rejects them), so
	// their first occurrences say whether those components are null.
	noFrag := href
	if i := strings.IndexByte(href, '#'); i >= 0 {
		flags |= flagFragment
		noFrag = href[:i]
	}
	if strings.IndexByte(noFrag, '?') >= 0 {
		flags |= flagQuery
	}
	if u.OpaquePath() {
		flags |= flagOpaquePath
	}
	var b strings.Builder
	b.Grow(2*len(href) + 32)
	b.WriteString(href)
	b.WriteString(sep)
	b.WriteString(origin(u))
	b.WriteString(sep)
	b.WriteString(scheme)
	b.WriteString(":" + sep)
	b.WriteString(u.Username())
	b.WriteString(sep)
	b.WriteString(u.Password())
	b.WriteString(sep)
	b.WriteString(u.Hostname())
	b.WriteString(sep)
	b.WriteString(u.Port())
	b.WriteString(sep)
	b.WriteString(u.Pathname())
	b.WriteString(sep)
	b.WriteString(u.Query())
	b.WriteString(sep)
	b.WriteString(u.Fragment())
	b.WriteString(sep)
	b.WriteByte(byte('0' + flags))
	return b.String()
}

// origin serializes the URL's origin (the standard's "origin" of a URL):
// scheme://host[:port] for the special schemes but file, the origin of
// the inner URL for a blob: URL wrapping an http(s) one, "null" otherwise.
func origin(u *whatwg.Url) string {
	switch u.Scheme() {
	case "ftp", "http", "https", "ws", "wss":
		if u.Port() == "" {
			return u.Scheme() + "://" + u.Hostname()
		}
		return u.Scheme() + "://" + u.Hostname() + ":" + u.Port()
	case "blob":
		inner, err := parser.Parse(u.Pathname())
		if err != nil {
			return "null"
		}
		if s := inner.Scheme(); s == "http" || s == "https" {
			return origin(inner)
		}
	}
	return "null"
}
