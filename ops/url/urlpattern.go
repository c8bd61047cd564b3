package url

import (
	whatwg "github.com/nlnwa/whatwg-url/url"
	"github.com/worky-dev/worky/runtime"
)

// The canonicalizations of the URL Pattern Standard (§ "Encoding
// callbacks"), by the number urlpattern.js passes to op_url_pattern_canon;
// also in urlpattern.js. Each runs the basic URL parser with a state
// override on a dummy URL, which is why it is done here, where the parser
// is, and not with the URL class's setters (they strip "?" and "#" and
// ignore failures).
const (
	canonProtocol = iota
	canonUsername
	canonPassword
	canonHostname
	canonPort
	canonPathname
	canonOpaquePathname
	canonSearch
	canonHash
)

// dummyInput is the standard's "create a dummy URL".
const dummyInput = "https://dummy.invalid/"

// opURLPatternCanon canonicalizes (kind, value, protocol?) and returns the
// result, or false when the URL parser fails on value (JS throws the
// TypeError, naming the component and the value). protocol matters to
// canonPort only ("canonicalize a port" given a protocol value).
func opURLPatternCanon(c *runtime.Call) (any, error) {
	kind := int(c.Int(0))
	value := c.String(1)
	if value == "" {
		return "", nil
	}
	var protocol *string
	if p := c.Arg(2); !p.IsUndefined() {
		s := p.String()
		protocol = &s
	}
	out, ok := canonicalize(kind, value, protocol)
	if !ok {
		return false, nil
	}
	return out, nil
}

func dummyURL() *whatwg.Url {
	u, err := parser.Parse(dummyInput)
	if err != nil {
		panic("urlpattern: the dummy URL does not parse: " + err.Error())
	}
	return u
}

// canonicalize runs one canonicalization on a non-empty value.
func canonicalize(kind int, value string, protocol *string) (string, bool) {
	switch kind {
	case canonProtocol:
		u, err := parser.Parse(value + "://dummy.invalid/")
		if err != nil {
			return "", false
		}
		return u.Scheme(), true
	case canonUsername:
		u := dummyURL()
		u.SetUsername(value)
		return u.Username(), true
	case canonPassword:
		u := dummyURL()
		u.SetPassword(value)
		return u.Password(), true
	case canonHostname:
		if colonEndsHost(value) {
			// The hostname state fails on a port; the parser library
			// returns there without an error and leaves the dummy host.
			return "", false
		}
		u := dummyURL()
		if _, err := parser.BasicParser(value, nil, u, whatwg.StateHostname); err != nil {
			return "", false
		}
		return u.Hostname(), true
	case canonPort:
		u := dummyURL()
		if protocol != nil {
			// Setting the scheme directly is what the standard does; the
			// parser has no such setter, so parse a dummy URL with that
			// scheme instead (any that parses gives the same port).
			if pu, err := parser.Parse(*protocol + "://dummy.invalid/"); err == nil {
				u = pu
			}
		}
		if _, err := parser.BasicParser(value, nil, u, whatwg.StatePort); err != nil {
			return "", false
		}
		return u.Port(), true
	case canonPathname:
		leadingSlash := value[0] == '/'
		modified := value
		if !leadingSlash {
			modified = "/-" + value
		}
		u := dummyURL()
		// SetPathname empties the path, then parses with the path start
		// state override: the standard's steps.
		u.SetPathname(modified)
		out := u.Pathname()
		if !leadingSlash {
			out = out[min(2, len(out)):]
		}
		return out, true
	case canonOpaquePathname:
		u, err := parser.Parse("dummy:")
		if err != nil {
			return "", false
		}
		if _, err := parser.BasicParser(value, nil, u, whatwg.StateOpaquePath); err != nil {
			return "", false
		}
		return u.Pathname(), true
	case canonSearch:
		u := dummyURL()
		if _, err := parser.BasicParser(value, nil, u, whatwg.StateQuery); err != nil {
			return "", false
		}
		return u.Query(), true
	case canonHash:
		u := dummyURL()
		if _, err := parser.BasicParser(value, nil, u, whatwg.StateFragment); err != nil {
			return "", false
		}
		return u.Fragment(), true
	}
	return "", false
}

// colonEndsHost reports whether the hostname state, run on value, stops
// at a ":" outside brackets (a port) before the host's end ("/", "?",
// "#" or, for the special dummy URL, "\\").
func colonEndsHost(value string) bool {
	inBrackets := false
	for i := 0; i < len(value); i++ {
		switch value[i] {
		case '[':
			inBrackets = true
		case ']':
			inBrackets = false
		case ':':
			if !inBrackets {
				return true
			}
		case '/', '?', '#', '\\':
			return false
		}
	}
	return false
}
