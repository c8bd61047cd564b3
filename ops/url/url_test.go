package url

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/worky-dev/worky/ops/opstest"
	"github.com/worky-dev/worky/runtime"
)

func exts() []*runtime.Extension { return []*runtime.Extension{Extension()} }

const emptyWorker = "export default { fetch() {} };\n"

func TestCases(t *testing.T) {
	opstest.RunCases(t, exts(), "testdata/url.js")
}

// knownFailures lists the WPT cases this implementation is known to get
// wrong, by the key the runners below give them, each with the reason. A
// case listed here that starts passing fails the test too, so the list
// stays true.
var knownFailures = map[string]string{}

// wptResult is what a JS runner returns for one WPT file.
type wptResult struct {
	Passed   int `json:"passed"`
	Total    int `json:"total"`
	Failures []struct {
		Key    string `json:"key"`
		Detail string `json:"detail"`
	} `json:"failures"`
	Passes []string `json:"passes"` // keys of passing cases in knownFailures
}

// repoRoot is the folder holding go.mod, found from the working directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
}

// loadWPT reads one file of the WPT URL data, which lives beside the repo.
func loadWPT(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join(repoRoot(t), "..", "shared", "conformance", "wpt-url", name)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the WPT URL conformance data is missing (%v): see ../shared/conformance/README.md", err)
	}
	if !json.Valid(data) {
		t.Fatalf("%s is not valid JSON", path)
	}
	return string(data)
}

// wptPrelude is shared by the runners: check compares a URL's attributes
// with the expected ones and returns the differences.
const wptPrelude = `
const known = new Set(KNOWN);
const out = { passed: 0, total: 0, failures: [], passes: [] };
const show = (v) => JSON.stringify(v);
function record(key, diffs) {
  out.total++;
  if (diffs.length === 0) {
    out.passed++;
    if (known.has(key)) out.passes.push(key);
  } else {
    out.failures.push({ key, detail: diffs.join("; ") });
  }
}
function check(url, expected, diffs) {
  for (const k of Object.keys(expected)) {
    if (k === "searchParams") {
      const got = url.searchParams.toString();
      if (got !== expected[k]) diffs.push("searchParams: got " + show(got) + ", want " + show(expected[k]));
      continue;
    }
    if (url[k] !== expected[k]) diffs.push(k + ": got " + show(url[k]) + ", want " + show(expected[k]));
  }
}
function attempt(diffs, fn) {
  try {
    fn();
  } catch (e) {
    diffs.push("threw " + e);
  }
}
`

// urlTestDataRunner runs urltestdata.json as WPT's url-constructor and
// url-origin tests do, plus URL.canParse and URL.parse.
const urlTestDataRunner = `
const attrs = ["href", "origin", "protocol", "username", "password", "host", "hostname", "port", "pathname", "search", "searchParams", "hash"];
for (const c of DATA) {
  if (typeof c === "string") continue;
  const key = "input " + show(c.input) + " base " + show(c.base);
  const diffs = [];
  const args = c.base === null ? [c.input] : [c.input, c.base];
  if (c.failure) {
    try {
      const u = new URL(...args);
      diffs.push("parsed as " + show(u.href) + ", want a TypeError");
    } catch (e) {
      if (!(e instanceof TypeError)) diffs.push("threw " + e + ", want a TypeError");
    }
    if (URL.canParse(...args) !== false) diffs.push("URL.canParse is not false");
    if (URL.parse(...args) !== null) diffs.push("URL.parse is not null");
  } else {
    attempt(diffs, () => {
      const expected = {};
      for (const k of attrs) if (k in c) expected[k] = c[k];
      check(new URL(...args), expected, diffs);
      if (URL.canParse(...args) !== true) diffs.push("URL.canParse is not true");
      const p = URL.parse(...args);
      if (p === null || p.href !== c.href) diffs.push("URL.parse gave " + (p && p.href));
    });
  }
  record(key, diffs);
}
return out;
`

// settersRunner runs setters_tests.json as WPT's url-setters tests do.
const settersRunner = `
for (const attr of Object.keys(DATA)) {
  if (attr === "comment") continue;
  for (const c of DATA[attr]) {
    const key = attr + ": " + show(c.href) + " = " + show(c.new_value);
    const diffs = [];
    attempt(diffs, () => {
      const url = new URL(c.href);
      url[attr] = c.new_value;
      check(url, c.expected, diffs);
    });
    record(key, diffs);
  }
}
return out;
`

// toASCIIRunner runs toascii.json as WPT's toascii.window.js does for
// URL: in a URL's host, and through the host and hostname setters.
const toASCIIRunner = `
for (const c of DATA) {
  if (typeof c === "string") continue;
  const key = show(c.input);
  const diffs = [];
  if (c.output !== null) {
    attempt(diffs, () => {
      const url = new URL("https://" + c.input + "/x");
      check(url, { host: c.output, hostname: c.output, pathname: "/x", href: "https://" + c.output + "/x" }, diffs);
    });
  } else {
    try {
      const url = new URL("https://" + c.input + "/x");
      diffs.push("parsed as " + show(url.href) + ", want a TypeError");
    } catch (e) {
      if (!(e instanceof TypeError)) diffs.push("threw " + e + ", want a TypeError");
    }
  }
  for (const attr of ["host", "hostname"]) {
    attempt(diffs, () => {
      const url = new URL("https://x/x");
      url[attr] = c.input;
      const want = c.output === null ? "x" : c.output;
      if (url[attr] !== want) diffs.push("url." + attr + " = input gave " + show(url[attr]) + ", want " + show(want));
    });
  }
  record(key, diffs);
}
return out;
`

// runWPT runs one WPT data file through the real URL class in one Eval and
// checks the outcome against knownFailures.
func runWPT(t *testing.T, file, runner string) {
	data := loadWPT(t, file)
	known, err := json.Marshal(keys(knownFailures))
	if err != nil {
		t.Fatal(err)
	}
	// JSON text is a JS expression, and keeping it as text (rather than
	// decoding it in Go) keeps the lone surrogates some cases hold.
	src := "const DATA = " + data + ";\nconst KNOWN = " + string(known) + ";\n" + wptPrelude + runner
	p := opstest.NewPool(t, exts(), emptyWorker)
	var res wptResult
	if err := json.Unmarshal([]byte(opstest.Eval(t, p, src)), &res); err != nil {
		t.Fatal(err)
	}
	if res.Total == 0 {
		t.Fatalf("%s: no cases ran", file)
	}
	t.Logf("%s: passed %d of %d", file, res.Passed, res.Total)
	var unexpected []string
	for _, f := range res.Failures {
		if reason, ok := knownFailures[f.Key]; ok {
			t.Logf("known failure %s (%s): %s", f.Key, reason, f.Detail)
			continue
		}
		unexpected = append(unexpected, f.Key+": "+f.Detail)
	}
	if len(unexpected) > 0 {
		t.Errorf("%s: %d cases fail:\n%s", file, len(unexpected), strings.Join(unexpected, "\n"))
	}
	for _, k := range res.Passes {
		t.Errorf("%s: %s passes now: remove it from knownFailures", file, k)
	}
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestWPTURLTestData(t *testing.T) { runWPT(t, "urltestdata.json", urlTestDataRunner) }

func TestWPTSetters(t *testing.T) { runWPT(t, "setters_tests.json", settersRunner) }

func TestWPTToASCII(t *testing.T) { runWPT(t, "toascii.json", toASCIIRunner) }

// BenchmarkURLParse measures new URL(...) as a worker calls it: the loop
// runs in JS, so ns/op is the cost of one parse, op crossing included.
func BenchmarkURLParse(b *testing.B) {
	for _, bc := range []struct{ name, expr string }{
		// Already canonical: url.go's fast path.
		{"canonical", `new URL("https://example.com/a/b/c?x=1&y=2#frag")`},
		{"path-absolute", `new URL("/d/e?q=s", "https://example.com/a/b/c")`},
		// Needs the full parser: case, credentials, dot segments, the port.
		{"full", `new URL("HTTPS://user@Example.COM:443/a/./b/../c?x=1#frag")`},
		{"relative", `new URL("../d/e?q=s", "https://example.com/a/b/c")`},
		{"getters", `{ const u = new URL("https://example.com/a/b?x=1"); u.hostname; u.pathname; u.search; }`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			p := opstest.NewPool(b, exts(), emptyWorker)
			// Warm up the JIT and the op path before timing.
			opstest.Eval(b, p, fmt.Sprintf("for (let i = 0; i < 1000; i++) %s; return 0", bc.expr))
			b.ResetTimer()
			// Batches keep each Eval well inside the CPU limit of a task.
			for done := 0; done < b.N; {
				n := min(b.N-done, 20000)
				opstest.Eval(b, p, fmt.Sprintf("for (let i = 0; i < %d; i++) %s; return 0", n, bc.expr))
				done += n
			}
		})
	}
}

// TestParseConcurrently runs the parser and the setters from several
// goroutines, as isolates on their own threads do; run it with -race.
func TestParseConcurrently(t *testing.T) {
	inputs := []string{
		"https://example.com/a?b#c", "HTTP://EXAMPLE.com:80/./x", "https://faß.de/", "http://[::1]:8080/",
		"http://0x7f.1/", "sc://ñ/p", "file:///c|/x", "blob:https://a.com/x", "javascript:alert(1)",
	}
	base := "https://base.test/dir/file"
	done := make(chan struct{})
	for g := 0; g < 4; g++ {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := 0; i < 200; i++ {
				in := inputs[i%len(inputs)]
				u, fail := parse(in, &base)
				if fail != 0 {
					t.Errorf("%q did not parse", in)
					return
				}
				_ = components(u)
				if err := set(u, i%(setHash+1), "x y"); err != nil {
					t.Error(err)
					return
				}
				_ = components(u)
			}
		}()
	}
	for g := 0; g < 4; g++ {
		<-done
	}
}
