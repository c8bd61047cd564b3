//go:build wpt

// The Web Platform Tests runner for the streams family: a developer tool,
// not part of the normal suite (it needs the build tag and a checkout of
// the tests, which we may not copy into this repository).
//
// Getting the tests (any machine with git and network access):
//
//	git clone --depth 1 --filter=blob:none --sparse \
//		https://github.com/web-platform-tests/wpt /tmp/wpt
//	git -C /tmp/wpt sparse-checkout set streams common
//
// Running them:
//
//	WORKY_WPT_DIR=/tmp/wpt/streams go test -tags wpt ./ops/streams/ -run WPT -v
//
// Every *.any.js file under WORKY_WPT_DIR runs in a fresh isolate with all
// the families of ops.All(), after the helper files its "// META: script="
// lines name (resolved against the file, or against the WPT root, the
// folder above WORKY_WPT_DIR, for absolute paths) and after our own
// testharness (testdata/wpt_harness.js). The output gives each file's pass
// count and every failing test with its message, then the total.
// WORKY_WPT_FILTER=substring keeps only files whose path contains it;
// WORKY_WPT_STRICT=1 makes every failing WPT test fail the Go test too.
// TestWPTHarness checks the harness itself against
// testdata/wpt_selfcheck.any.js and needs no checkout:
//
//	go test -tags wpt ./ops/streams/ -run WPTHarness
package streams_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/worky-dev/worky/ops"
	"github.com/worky-dev/worky/ops/opstest"
)

// wptTestTimeout is how long one WPT test may take before it counts as
// TIMEOUT (the harness then moves on to the next test of the file).
const wptTestTimeout = 5 * time.Second

// wptSkips are files this runner does not run, with the reason. They need
// what a worker isolate does not have: a garbage collector the test can
// drive, or platform objects outside this runtime.
var wptSkips = []struct{ match, reason string }{
	{"/common/gc.js", "drives the garbage collector (gc())"},
	{"garbageCollect(", "drives the garbage collector (gc())"},
	{"new VideoFrame(", "needs VideoFrame (WebCodecs)"},
	{"idlharness", "needs idlharness.js and the IDL files"},
}

type wptResult struct {
	Name    string `json:"name"`
	Status  string `json:"status"`
	Message string `json:"message"`
}

type wptFile struct {
	rel     string
	source  string
	scripts []string // helper paths, as the META lines give them
}

func TestWPT(t *testing.T) {
	dir := os.Getenv("WORKY_WPT_DIR")
	if dir == "" {
		t.Fatal("WORKY_WPT_DIR is not set: point it at the streams/ folder of a web-platform-tests checkout (see the comment at the top of wpt_test.go)")
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		t.Fatalf("WORKY_WPT_DIR=%q is not a readable directory: %v", dir, err)
	}
	harness, err := os.ReadFile("testdata/wpt_harness.js")
	if err != nil {
		t.Fatal(err)
	}
	files, skipped := wptFiles(t, dir, os.Getenv("WORKY_WPT_FILTER"))
	if len(files) == 0 {
		t.Fatalf("no *.any.js files under %s", dir)
	}

	var totalPass, totalRun int
	var summary []string
	for _, f := range files {
		t.Run(f.rel, func(t *testing.T) {
			results := runWPTFile(t, dir, string(harness), f, wptTestTimeout)
			pass := 0
			var failures []string
			for _, r := range results {
				if r.Status == "PASS" {
					pass++
					continue
				}
				failures = append(failures, fmt.Sprintf("  %s  %s\n        %s", r.Status, r.Name, strings.ReplaceAll(r.Message, "\n", "\n        ")))
			}
			totalPass += pass
			totalRun += len(results)
			line := fmt.Sprintf("%-60s %4d / %4d", f.rel, pass, len(results))
			summary = append(summary, line)
			t.Logf("%s passed\n%s", line, strings.Join(failures, "\n"))
			if os.Getenv("WORKY_WPT_STRICT") != "" && pass != len(results) {
				t.Errorf("%d of %d tests did not pass", len(results)-pass, len(results))
			}
		})
	}
	var b strings.Builder
	fmt.Fprintf(&b, "WPT streams, per file (passed / run):\n")
	for _, s := range summary {
		fmt.Fprintf(&b, "  %s\n", s)
	}
	for _, s := range skipped {
		fmt.Fprintf(&b, "  %s\n", s)
	}
	fmt.Fprintf(&b, "TOTAL: %d / %d passed in %d files (%d skipped)", totalPass, totalRun, len(files), len(skipped))
	t.Log(b.String())
}

// TestWPTHarness runs testdata/wpt_selfcheck.any.js, whose test names
// start with the status our harness must give them: it keeps the harness
// from passing what the browser harness would fail. It needs no WPT files.
func TestWPTHarness(t *testing.T) {
	harness, err := os.ReadFile("testdata/wpt_harness.js")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("testdata/wpt_selfcheck.any.js")
	if err != nil {
		t.Fatal(err)
	}
	f := wptFile{rel: "wpt_selfcheck.any.js", source: string(src)}
	results := runWPTFile(t, "testdata", string(harness), f, 300*time.Millisecond)
	if len(results) < 30 {
		t.Fatalf("the self-check gave %d results, want every test of the file: %+v", len(results), results)
	}
	for _, r := range results {
		want, _, _ := strings.Cut(r.Name, " ")
		if r.Status != want {
			t.Errorf("%q: harness said %s (%s), want %s", r.Name, r.Status, r.Message, want)
		}
	}
}

// wptFiles lists the *.any.js files under dir whose path contains filter,
// sorted, and the ones skipped with their reasons.
func wptFiles(t *testing.T, dir, filter string) (files []wptFile, skipped []string) {
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(path, ".any.js") {
			return nil
		}
		rel, _ := filepath.Rel(dir, path)
		rel = filepath.ToSlash(rel)
		if filter != "" && !strings.Contains(rel, filter) {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f := wptFile{rel: rel, source: string(src)}
		global := ""
		for _, line := range strings.Split(f.source, "\n") {
			meta, ok := strings.CutPrefix(strings.TrimSpace(line), "// META:")
			if !ok {
				continue
			}
			key, value, _ := strings.Cut(strings.TrimSpace(meta), "=")
			switch strings.TrimSpace(key) {
			case "script":
				f.scripts = append(f.scripts, strings.TrimSpace(value))
			case "global":
				global = value
			}
		}
		if global != "" && !strings.Contains(global, "worker") && !strings.Contains(global, "jsshell") && !strings.Contains(global, "shadowrealm") {
			skipped = append(skipped, fmt.Sprintf("%-60s skipped: global=%s has no worker", rel, global))
			return nil
		}
		if strings.HasPrefix(rel, "transferable/") {
			skipped = append(skipped, fmt.Sprintf("%-60s skipped: transfers streams with postMessage", rel))
			return nil
		}
		for _, s := range wptSkips {
			if strings.Contains(rel, s.match) || strings.Contains(f.source, s.match) {
				skipped = append(skipped, fmt.Sprintf("%-60s skipped: %s", rel, s.reason))
				return nil
			}
		}
		files = append(files, f)
		return nil
	})
	if err != nil {
		t.Fatalf("listing %s: %v", dir, err)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].rel < files[j].rel })
	return files, skipped
}

// runWPTFile runs one test file in a fresh isolate, each test under
// timeout, and returns its results.
func runWPTFile(t *testing.T, dir, harness string, f wptFile, timeout time.Duration) []wptResult {
	t.Helper()
	type script struct{ name, source string }
	scripts := []script{{"wpt_harness.js", harness}}
	base := filepath.Dir(filepath.Join(dir, filepath.FromSlash(f.rel)))
	for _, s := range f.scripts {
		path := filepath.Join(base, filepath.FromSlash(s))
		if strings.HasPrefix(s, "/") {
			path = filepath.Join(filepath.Dir(filepath.Clean(dir)), filepath.FromSlash(s))
		}
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s: META script %s: %v", f.rel, s, err)
		}
		scripts = append(scripts, script{s, string(src)})
	}
	scripts = append(scripts, script{f.rel, f.source})

	// Each file is evaluated as a classic script (indirect eval), as a
	// worker's importScripts would; a file that throws while loading
	// becomes one failing result and the tests it registered still run.
	var src strings.Builder
	src.WriteString("const scripts = [\n")
	for _, s := range scripts {
		name, _ := json.Marshal(s.name)
		text, _ := json.Marshal(s.source + "\n//# sourceURL=" + s.name + "\n")
		fmt.Fprintf(&src, "[%s, %s],\n", name, text)
	}
	fmt.Fprintf(&src, `];
const indirectEval = eval;
for (const [name, text] of scripts) {
  try { indirectEval(text); } catch (e) { __wpt.loadError(name, e); }
}
return await __wpt.run(%d);`, timeout.Milliseconds())

	p := opstest.NewPool(t, ops.All(), "export default { fetch() {} };")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	out, err := p.Eval(ctx, src.String())
	if err != nil {
		t.Fatalf("%s: running the file: %v", f.rel, err)
	}
	var results []wptResult
	if err := json.Unmarshal([]byte(out), &results); err != nil {
		t.Fatalf("%s: reading the results %q: %v", f.rel, out, err)
	}
	return results
}
