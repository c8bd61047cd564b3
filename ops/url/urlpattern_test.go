package url

import (
	"testing"

	"github.com/worky-dev/worky/ops/opstest"
)

func TestURLPatternCases(t *testing.T) {
	opstest.RunCases(t, exts(), "testdata/urlpattern.js")
}

// TestURLPatternCanonicalize checks the canonicalizations of the URL
// Pattern Standard that urlpattern.go runs for the JS side.
func TestURLPatternCanonicalize(t *testing.T) {
	https, ws, foo := "https", "ws", "foo"
	cases := []struct {
		name     string
		kind     int
		value    string
		protocol *string
		want     string
		ok       bool
	}{
		{"protocol lowercased", canonProtocol, "HTTPS", nil, "https", true},
		{"protocol invalid", canonProtocol, "ht tp", nil, "", false},
		{"protocol must start with a letter", canonProtocol, "1http", nil, "", false},
		{"username encoded", canonUsername, "a b@c", nil, "a%20b%40c", true},
		{"password encoded", canonPassword, "p:w", nil, "p%3Aw", true},
		{"hostname lowercased", canonHostname, "EXAMPLE.com", nil, "example.com", true},
		{"hostname IDN", canonHostname, "münchen.de", nil, "xn--mnchen-3ya.de", true},
		{"hostname forbidden code point", canonHostname, "a b", nil, "", false},
		{"hostname with a port fails", canonHostname, "a.example:80", nil, "", false},
		{"hostname IPv6 colons", canonHostname, "[::1]", nil, "[::1]", true},
		{"hostname stops at a path", canonHostname, "a.example/x:y", nil, "a.example", true},
		{"port", canonPort, "8080", nil, "8080", true},
		{"port of the dummy URL's scheme", canonPort, "443", nil, "", true},
		{"port default of the given protocol", canonPort, "80", &ws, "", true},
		{"port kept for another protocol", canonPort, "443", &foo, "443", true},
		{"port https default with protocol", canonPort, "443", &https, "", true},
		{"port out of range", canonPort, "65536", nil, "", false},
		{"port not a number", canonPort, "abc", nil, "", false},
		{"port stops at a non-digit", canonPort, "80ab", &foo, "80", true},
		{"pathname absolute", canonPathname, "/a b/../c", nil, "/c", true},
		{"pathname relative piece", canonPathname, "café", nil, "caf%C3%A9", true},
		{"pathname leading dot kept", canonPathname, ".x", nil, ".x", true},
		{"pathname backslash in a special URL", canonPathname, "/a\\b", nil, "/a/b", true},
		{"opaque pathname", canonOpaquePathname, "text/plain,a b\x01", nil, "text/plain,a b%01", true},
		{"search special query set", canonSearch, "a='b c'", nil, "a=%27b%20c%27", true},
		{"search keeps a leading ?", canonSearch, "?a", nil, "?a", true},
		{"hash", canonHash, "a b#c", nil, "a%20b#c", true},
		{"unknown kind", 99, "x", nil, "", false},
	}
	for _, c := range cases {
		got, ok := canonicalize(c.kind, c.value, c.protocol)
		if ok != c.ok || got != c.want {
			t.Errorf("%s: canonicalize(%d, %q) = %q, %v; want %q, %v", c.name, c.kind, c.value, got, ok, c.want, c.ok)
		}
	}
}
