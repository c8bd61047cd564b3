package url

import (
	"encoding/json"
	"testing"
)

// checkFastPath fails t when fastParse answers for (input, base) and the
// library does not give exactly the same components. It reports whether
// the fast path answered.
func checkFastPath(t *testing.T, input string, base *string) bool {
	t.Helper()
	got, ok := fastParse(input, base)
	if !ok {
		return false
	}
	b := "<none>"
	if base != nil {
		b = *base
	}
	u, fail := parse(input, base)
	if fail != 0 {
		t.Errorf("fast path accepted %q (base %q), which the library rejects (%d)", input, b, fail)
		return true
	}
	if want := components(u); got != want {
		t.Errorf("fast path for %q (base %q):\n got %q\nwant %q", input, b, got, want)
	}
	return true
}

// fastPathCorpus is URL-ish parts the fast path must take or leave alone
// correctly: canonical ones and near misses.
var (
	fpSchemes = []string{"http://", "https://", "HTTP://", "ws://", "http:/", "http:\\\\", " http://"}
	fpHosts   = []string{"example.com", "a.b", "a", "ex-ample.com", "-a.b-", "a--b.c", "xn--nxasmq6b.com", "a.xn--nxasmq6b", "xn--a.b", "1.2.3.4", "0x7f.1", "a.0x1", "a.0xg", "a.1e5", "a.09", "a.0", "9.a", "a..b", ".a", "a.", "EXAMPLE.com", "ümlaut.de", "a_b.c", "a%41.com", "[::1]", "user@a.b", "u:p@a.b", "a b.c", "localhost",
		"127.0.0.1", "10.0.0.255", "255.255.255.255", "0.0.0.0", "256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.04", "1.2.3.4.", "1..3.4", "1.2.3.", "0x1.2.3.4", "1.2.3.999", "4294967295", "1.2.3.4a"}
	fpPorts     = []string{"", ":80", ":443", ":8080", ":0", ":080", ":1", ":65535", ":65536", ":123456", ":", ":8a"}
	fpPaths     = []string{"", "/", "/a/b", "/a/b/", "//", "/a/./b", "/a/../b", "/.", "/..", "/a/.", "/a/..", "/...", "/.a", "/%2e/", "/a%2E", "/%2e%2e", "/a b", "/a\\b", "/{}", "/a|b^", "/~'()*!$&;=+,:@", "/%zz", "/%41", "/é", "/a\tb", "/\"<>`"}
	fpQueries   = []string{"", "?", "?a=b", "?a=b&c=d", "?a'b", "?a b", "?a`{}|\\^", "?\"", "?<>", "?é", "??", "?/a/../b"}
	fpFragments = []string{"", "#", "#x", "#a b", "#a`", "#a#b", "#<>", "#\"", "#{}|", "#é", "#?a"}
	fpBases     = []string{"https://example.com/a/b", "http://a.b:8080/", "https://example.com/a/b?q#f", "http://x.y/a/b/c", "https://u@a.b/", "HTTPS://A.B/", "sc://a/b", "nope", "http://1.2.3.4/"}
	fpRelatives = []string{"/", "/x", "/x/y?q=1#f", "/x/../y", "//other.com/x", "/\\x", "?q", "#f", "x", "", "/x y", "https://c.d/e", "/%2e", "/x?a b"}
)

func TestFastPathMatchesLibrary(t *testing.T) {
	took, total := 0, 0
	count := func(ok bool) {
		total++
		if ok {
			took++
		}
	}
	i := 0
	for _, s := range fpSchemes {
		for _, h := range fpHosts {
			for _, p := range fpPorts {
				for _, path := range fpPaths {
					q := fpQueries[i%len(fpQueries)]
					f := fpFragments[(i/len(fpQueries))%len(fpFragments)]
					i++
					count(checkFastPath(t, s+h+p+path+q+f, nil))
				}
			}
		}
	}
	for _, q := range fpQueries {
		for _, f := range fpFragments {
			for _, path := range []string{"/", "/a/b", ""} {
				count(checkFastPath(t, "https://example.com"+path+q+f, nil))
			}
		}
	}
	for _, b := range fpBases {
		for _, r := range fpRelatives {
			base := b
			count(checkFastPath(t, r, &base))
		}
		for _, path := range fpPaths {
			for _, q := range fpQueries {
				base := b
				count(checkFastPath(t, path+q, &base))
			}
		}
	}
	// The WPT parsing cases, with and without their base.
	var cases []json.RawMessage
	if err := json.Unmarshal([]byte(loadWPT(t, "urltestdata.json")), &cases); err != nil {
		t.Fatal(err)
	}
	for _, raw := range cases {
		var c struct {
			Input *string
			Base  *string
		}
		if json.Unmarshal(raw, &c) != nil || c.Input == nil {
			continue // a comment
		}
		count(checkFastPath(t, *c.Input, nil))
		if c.Base != nil {
			count(checkFastPath(t, *c.Input, c.Base))
		}
	}
	t.Logf("the fast path answered %d of %d inputs", took, total)
	if took < 500 || took == total {
		t.Errorf("the fast path answered %d of %d inputs: the corpus no longer exercises both paths", took, total)
	}
}

// FuzzFastPath checks the fast path against the library on any input;
// `go test -fuzz FuzzFastPath ./ops/url/` explores beyond the seeds.
func FuzzFastPath(f *testing.F) {
	for _, h := range fpHosts {
		f.Add("https://"+h+"/a?b#c", "")
	}
	for _, p := range fpPaths {
		f.Add("http://a.b:8080"+p, "https://x.y/z")
		f.Add(p, "https://x.y/z")
	}
	f.Fuzz(func(t *testing.T, input, base string) {
		checkFastPath(t, input, nil)
		checkFastPath(t, input, &base)
	})
}
