package caddymodule

// Integration tests: a real Caddy (caddytest runs one in this process and
// every test loads its own Caddyfile into it, so none runs in parallel)
// serving real workers through the real ops families.

import (
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2/caddytest"
	caddycmd "github.com/caddyserver/caddy/v2/cmd"
)

// adminPort is this package's Caddy admin endpoint; examples/ uses
// another, as go test runs the two packages at the same time.
const adminPort = 2991

func TestMain(m *testing.M) {
	// With WORKY_TEST_MAIN=1 this test binary is the Caddy command line,
	// worky's commands included (see TestKVCommandExitStatus).
	if os.Getenv("WORKY_TEST_MAIN") == "1" {
		caddycmd.Main()
		os.Exit(0)
	}
	caddytest.Default.AdminPort = adminPort
	// Keep Caddy's autosave and storage out of the user's home.
	dir, err := os.MkdirTemp("", "worky-caddytest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("XDG_CONFIG_HOME", dir)
	os.Setenv("XDG_DATA_HOME", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// newTester returns a caddytest client. caddytest skips, rather than
// fails, under -short or when it cannot start Caddy; here either is a
// failure, so a broken setup cannot pass for a green run.
func newTester(t *testing.T) *caddytest.Tester {
	t.Helper()
	if testing.Short() {
		t.Fatal("this test runs a real Caddy and caddytest skips it under -short: run go test without -short")
	}
	t.Cleanup(func() {
		if t.Skipped() {
			t.Errorf("caddytest skipped %s instead of running it (is localhost:%d, the admin endpoint, free?)", t.Name(), adminPort)
		}
	})
	return caddytest.NewTester(t)
}

// testConfig prepends the global options every test config needs.
func testConfig(format string, args ...any) string {
	return fmt.Sprintf("{\n\tadmin localhost:%d\n}\n", adminPort) + fmt.Sprintf(format, args...)
}

// script returns the absolute path of a worker in testdata/workers.
func script(t testing.TB, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("testdata", "workers", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// load posts a Caddyfile to the admin endpoint, as `caddy reload` does,
// and returns the status and, for a refused config, the error.
func load(t *testing.T, config string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("POST", fmt.Sprintf("http://localhost:%d/load", adminPort), strings.NewReader(config))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/caddyfile")
	res, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("loading a config: %v", err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	var apiErr struct {
		Error string `json:"error"`
	}
	if res.StatusCode != http.StatusOK && json.Unmarshal(body, &apiErr) == nil {
		return res.StatusCode, apiErr.Error
	}
	return res.StatusCode, string(body)
}

// mustLoad loads a config that must be accepted.
func mustLoad(t *testing.T, config string) {
	t.Helper()
	if status, msg := load(t, config); status != http.StatusOK {
		t.Fatalf("loading config: status %d: %s\nconfig:\n%s", status, msg, config)
	}
}

// get requests url and returns the status, body and headers.
func get(t *testing.T, tc *caddytest.Tester, url string) (int, string, http.Header) {
	t.Helper()
	res, err := tc.Client.Get(url)
	if err != nil && (errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET)) {
		// Right after a config load, a connection the old server accepted
		// as it shut down is closed unanswered (it failed TestKVReload
		// once in CI). A GET is safe to send again; a server that really
		// drops requests fails the second time too.
		res, err = tc.Client.Get(url)
	}
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("GET %s: reading the body: %v", url, err)
	}
	return res.StatusCode, string(body), res.Header
}

// expect requests url and checks its status and body.
func expect(t *testing.T, tc *caddytest.Tester, url string, status int, body string) {
	t.Helper()
	gotStatus, gotBody, _ := get(t, tc, url)
	if gotStatus != status || gotBody != body {
		t.Errorf("GET %s = %d %q, want %d %q", url, gotStatus, gotBody, status, body)
	}
}

func TestWorkerAnswers(t *testing.T) {
	var originHits atomic.Int32
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		originHits.Add(1)
		fmt.Fprint(w, "origin")
	}))
	defer origin.Close()
	t.Setenv("WORKY_TEST_TOKEN", "from-the-environment")

	tc := newTester(t)
	tc.InitServer(testConfig(`
:9181 {
	worky * %s {
		var GREETING "hi there"
		secret TOKEN {env.WORKY_TEST_TOKEN}
	}
	reverse_proxy %s
}
`, script(t, "hello.js"), strings.TrimPrefix(origin.URL, "http://")), "caddyfile")

	req, _ := http.NewRequest("GET", "http://localhost:9181/some/path?q=1", nil)
	req.Header.Set("X-Test", "yes")
	res := tc.AssertResponseCode(req, 201)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	want := "method=GET\npath=/some/path\ngreeting=hi there\nsecret=from-the-environment\nheader=yes\n"
	if string(body) != want {
		t.Errorf("body = %q, want %q", body, want)
	}
	if got := res.Header.Get("X-Worker"); got != "hello" {
		t.Errorf("X-Worker header = %q, want %q", got, "hello")
	}
	if n := originHits.Load(); n != 0 {
		t.Errorf("the origin (next handler) got %d requests the worker answered", n)
	}
	// The secret's value must not be in the config Caddy shows.
	_, cfg, _ := get(t, tc, fmt.Sprintf("http://localhost:%d/config/", adminPort))
	if strings.Contains(cfg, "from-the-environment") {
		t.Errorf("the secret's value appears in /config/")
	}
}

func TestTypeScriptWorker(t *testing.T) {
	tc := newTester(t)
	tc.InitServer(testConfig(`
:9182 {
	worky {
		script %s
		var UNIT m2
	}
}
`, script(t, "typed.ts")), "caddyfile")
	tc.AssertGetResponse("http://localhost:9182/", 200, "square area=4.00m2\ncircle area=3.14m2\n")
}

func TestLimits(t *testing.T) {
	tc := newTester(t)
	// Two workers from one script: one with a tight CPU limit, one with
	// CPU to spare, so that its heap bomb runs into the memory limit.
	tc.InitServer(testConfig(`
:9183 {
	worky {
		script    %s
		isolates  1
		cpu_limit 100ms
		timeout   1s
	}
}
:9190 {
	worky {
		script       %[1]s
		name         heap
		isolates     1
		cpu_limit    30s
		memory_limit 32MiB
	}
}
`, script(t, "limits.js")), "caddyfile")
	const base, heap = "http://localhost:9183", "http://localhost:9190"
	expect(t, tc, base+"/", 200, "ok\n")

	// An endless loop is stopped at the CPU limit; the isolate is
	// replaced and the worker keeps serving.
	status, _, _ := get(t, tc, base+"/spin")
	if status != 503 {
		t.Errorf("GET /spin: status %d, want 503", status)
	}
	expect(t, tc, base+"/", 200, "ok\n")

	// A heap bomb hits the memory limit; Caddy survives it.
	status, _, _ = get(t, tc, heap+"/heap")
	if status != 503 {
		t.Errorf("GET /heap: status %d, want 503", status)
	}
	expect(t, tc, heap+"/", 200, "ok\n")

	// A request that never answers gets a 504 at the timeout.
	start := time.Now()
	status, _, _ = get(t, tc, base+"/hang")
	if status != 504 {
		t.Errorf("GET /hang: status %d, want 504", status)
	}
	if d := time.Since(start); d < 900*time.Millisecond {
		t.Errorf("GET /hang answered after %v, before the 1s timeout", d)
	}
	expect(t, tc, base+"/", 200, "ok\n")

	// An exception is a 500 whose body tells the client nothing.
	status, body, _ := get(t, tc, base+"/throw")
	if status != 500 {
		t.Errorf("GET /throw: status %d, want 500", status)
	}
	if strings.Contains(body, "hunter2") || strings.Contains(body, "limits.js") {
		t.Errorf("GET /throw: the exception reached the client: %q", body)
	}
	expect(t, tc, base+"/", 200, "ok\n")

	infos := workerInfos(t)
	if len(infos) != 2 || infos[0].Name != "heap" || infos[0].Stats.Recycled != 1 ||
		infos[1].Name != "limits" || infos[1].Stats.Recycled != 1 {
		t.Errorf("workers = %+v, want heap and limits with one recycled isolate each", infos)
	}
}

func TestQueueFull(t *testing.T) {
	tc := newTester(t)
	tc.InitServer(testConfig(`
:9184 {
	worky {
		script %s
		isolates       1
		max_concurrent 1
		queue_size     1
		timeout        1s
	}
}
`, script(t, "limits.js")), "caddyfile")
	const base = "http://localhost:9184"

	// One request holds the only slot, one waits in the queue; the next
	// is turned away at once.
	var wg sync.WaitGroup
	statuses := make([]int, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := tc.Client.Get(base + "/hang")
			if err != nil {
				t.Errorf("GET /hang: %v", err)
				return
			}
			res.Body.Close()
			statuses[i] = res.StatusCode
		}()
		waitFor(t, fmt.Sprintf("%d requests in the worker", i+1), func() bool {
			s := workerInfos(t)
			return len(s) == 1 && s[0].Stats.InFlight+s[0].Stats.Queued == i+1
		})
	}
	status, _, header := get(t, tc, base+"/")
	if status != 503 {
		t.Errorf("GET / with a full queue: status %d, want 503", status)
	}
	if ra := header.Get("Retry-After"); ra == "" {
		t.Errorf("GET / with a full queue: no Retry-After header")
	}
	wg.Wait()
	if statuses[0] != 504 || statuses[1] != 504 {
		t.Errorf("the two hanging requests got %v, want 504 each", statuses)
	}
	expect(t, tc, base+"/", 200, "ok\n")
}

func TestBadScriptRefused(t *testing.T) {
	tc := newTester(t)
	good := testConfig(`
:9185 {
	worky {
		script %s
		isolates 1
	}
}
`, script(t, "counter.js"))
	tc.InitServer(good, "caddyfile")
	expect(t, tc, "http://localhost:9185/", 200, "count=1 greeting=\n")

	bad := testConfig(`
:9185 {
	worky * %s
}
`, script(t, "bad.js"))
	status, msg := load(t, bad)
	if status == http.StatusOK {
		t.Fatalf("a config with a script that does not build was accepted")
	}
	if want := `worky: bad.js:3:14: Expected ";" but found "x"`; !strings.Contains(msg, want) {
		t.Errorf("loading bad.js: error %q does not contain %q", msg, want)
	}
	// The previous config, and its warm worker, still serve.
	expect(t, tc, "http://localhost:9185/", 200, "count=2 greeting=\n")
}

func TestReloadKeepsWarmPool(t *testing.T) {
	tc := newTester(t)
	// A copy of the worker, so that the test can change it on disk.
	dir := t.TempDir()
	counter := filepath.Join(dir, "counter.js")
	src, err := os.ReadFile(script(t, "counter.js"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(counter, src, 0o644); err != nil {
		t.Fatal(err)
	}
	config := func(greeting, other string) string {
		return testConfig(`
:9186 {
	worky {
		script %s
		isolates 1
		var GREETING %s
	}
}
:9187 {
	respond %q
}
`, counter, greeting, other)
	}
	const worker, other = "http://localhost:9186/", "http://localhost:9187/"

	tc.InitServer(config("hi", "first"), "caddyfile")
	expect(t, tc, worker, 200, "count=1 greeting=hi\n")
	expect(t, tc, worker, 200, "count=2 greeting=hi\n")

	// Another part of the config changes; the worker's does not: its
	// isolate, and the count in its global, carry on.
	mustLoad(t, config("hi", "second"))
	expect(t, tc, other, 200, "second")
	expect(t, tc, worker, 200, "count=3 greeting=hi\n")
	waitForPools(t, 1)

	// The worker's config changes: a fresh pool, and the old one closes.
	mustLoad(t, config("hello", "second"))
	expect(t, tc, worker, 200, "count=1 greeting=hello\n")
	waitForPools(t, 1)

	// The script changes on disk: a reload picks it up.
	if err := os.WriteFile(counter, append(src, "// changed\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	mustLoad(t, config("hello", "third"))
	expect(t, tc, other, 200, "third")
	expect(t, tc, worker, 200, "count=1 greeting=hello\n")
	waitForPools(t, 1)
}

func TestAdminAPI(t *testing.T) {
	tc := newTester(t)
	t.Setenv("WORKY_TEST_TOKEN", "do-not-show")
	tc.InitServer(testConfig(`
:9188 {
	worky {
		script %s
		name     tally
		isolates 1
		timeout  5s
		var      GREETING hi
		secret   TOKEN {env.WORKY_TEST_TOKEN}
		egress {
			deny *.internal.example
		}
		subrequests 9
	}
}
`, script(t, "counter.js")), "caddyfile")
	expect(t, tc, "http://localhost:9188/", 200, "count=1 greeting=hi\n")
	expect(t, tc, "http://localhost:9188/", 200, "count=2 greeting=hi\n")

	_, raw, _ := get(t, tc, fmt.Sprintf("http://localhost:%d/worky/workers", adminPort))
	if strings.Contains(raw, "do-not-show") {
		t.Errorf("GET /worky/workers shows a secret's value: %s", raw)
	}
	infos := workerInfos(t)
	if len(infos) != 1 {
		t.Fatalf("GET /worky/workers = %s, want one worker", raw)
	}
	w := infos[0]
	if w.Name != "tally" || w.Script != script(t, "counter.js") || w.Isolates != 1 || w.Timeout != "5s" ||
		fmt.Sprint(w.Vars) != "[GREETING]" || fmt.Sprint(w.Secrets) != "[TOKEN]" ||
		w.Stats.Requests != 2 || w.Stats.Isolates != 1 {
		t.Errorf("GET /worky/workers = %s, want worker tally with 1 isolate, timeout 5s, var GREETING, secret TOKEN, 2 requests", raw)
	}
	if fmt.Sprint(w.Egress.Allow) != "[]" || fmt.Sprint(w.Egress.Deny) != "[*.internal.example]" || w.Egress.AllowPrivate ||
		w.Subrequests != 9 || w.SubrequestsConcurrent != 6 || w.SubrequestTimeout != "30s" {
		t.Errorf("GET /worky/workers = %s, want egress denying *.internal.example, 9 subrequests, "+
			"and the defaults: 6 at once, 30s each", raw)
	}

	res, err := http.Post(fmt.Sprintf("http://localhost:%d/worky/workers/restart", adminPort), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || strings.TrimSpace(string(body)) != `{"restarted":["tally"]}` {
		t.Errorf("POST /worky/workers/restart = %d %s, want 200 {\"restarted\":[\"tally\"]}", res.StatusCode, body)
	}
	// Fresh isolates: the count starts again; the request counter does not.
	expect(t, tc, "http://localhost:9188/", 200, "count=1 greeting=hi\n")
	if infos := workerInfos(t); len(infos) != 1 || infos[0].Stats.Requests != 3 {
		t.Errorf("after a restart, workers = %+v, want 3 requests counted", infos)
	}

	res, err = http.Get(fmt.Sprintf("http://localhost:%d/worky/workers/restart", adminPort))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /worky/workers/restart: status %d, want 405", res.StatusCode)
	}
}

func TestMetrics(t *testing.T) {
	tc := newTester(t)
	tc.InitServer(testConfig(`
:9189 {
	metrics /metrics
	worky {
		script %s
		name     metered
		isolates 1
	}
}
`, script(t, "counter.js")), "caddyfile")
	for i := 1; i <= 3; i++ {
		expect(t, tc, "http://localhost:9189/", 200, fmt.Sprintf("count=%d greeting=\n", i))
	}
	// A request holds its isolate slot until it is done, which may be a
	// moment after the client has read the response.
	waitFor(t, "no request in flight", func() bool {
		s := workerInfos(t)
		return len(s) == 1 && s[0].Stats.InFlight == 0
	})
	_, body, _ := get(t, tc, "http://localhost:9189/metrics")
	for _, want := range []string{
		`worky_requests_total{worker="metered"} 3`,
		`worky_isolates{worker="metered"} 1`,
		`worky_in_flight{worker="metered"} 0`,
		`worky_queue_depth{worker="metered"} 0`,
		`worky_recycled_total{worker="metered"} 0`,
	} {
		if !strings.Contains(body, want+"\n") {
			t.Errorf("/metrics has no line %q in\n%s", want, body)
		}
	}
}

// workerInfos is GET /worky/workers, decoded.
func workerInfos(t *testing.T) []workerInfo {
	t.Helper()
	res, err := http.Get(fmt.Sprintf("http://localhost:%d/worky/workers", adminPort))
	if err != nil {
		t.Fatalf("GET /worky/workers: %v", err)
	}
	defer res.Body.Close()
	var infos []workerInfo
	if err := json.NewDecoder(res.Body).Decode(&infos); err != nil {
		t.Fatalf("GET /worky/workers: %v", err)
	}
	return infos
}

// waitForPools waits until the warm pools of every loaded config number
// n: the pools of a replaced config close with its cleanup.
func waitForPools(t *testing.T, n int) {
	t.Helper()
	waitFor(t, fmt.Sprintf("%d warm worker pools", n), func() bool {
		count := 0
		workers.Range(func(any, any) bool { count++; return true })
		return count == n
	})
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestClientInfo checks the client's address as a worker sees it, behind
// a trusted proxy and straight from an untrusted client that forges the
// headers, and request.cf over plain HTTP/1.1.
func TestClientInfo(t *testing.T) {
	tc := newTester(t)
	tc.InitServer(fmt.Sprintf(`{
	admin localhost:%d
	servers :9199 {
		trusted_proxies static 127.0.0.1/32 ::1/128
		client_ip_headers X-Forwarded-For
	}
}
:9199 {
	worky * %[2]s
}
:9200 {
	worky * %[2]s
}
`, adminPort, script(t, "client.js")), "caddyfile")
	type seen struct {
		ConnectingIP string         `json:"connectingIP"`
		RealIP       string         `json:"realIP"`
		ForwardedFor string         `json:"forwardedFor"`
		CF           map[string]any `json:"cf"`
	}
	for _, c := range []struct {
		name, url, xff string
		ip, wantXFF    string
	}{
		{"trusted proxy", "http://127.0.0.1:9199/", "198.51.100.9", "198.51.100.9", "198.51.100.9, 127.0.0.1"},
		{"forged by an untrusted client", "http://127.0.0.1:9200/", "198.51.100.9", "127.0.0.1", "127.0.0.1"},
	} {
		req, _ := http.NewRequest("GET", c.url, nil)
		req.Header.Set("X-Forwarded-For", c.xff)
		req.Header.Set("Cf-Connecting-Ip", "192.0.2.1")
		res, err := tc.Client.Do(req)
		if err != nil {
			t.Fatalf("%s: GET %s: %v", c.name, c.url, err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		var s seen
		if err := json.Unmarshal(body, &s); err != nil {
			t.Fatalf("%s: %v in %q", c.name, err, body)
		}
		if s.ConnectingIP != c.ip || s.RealIP != c.ip || s.ForwardedFor != c.wantXFF {
			t.Errorf("%s: worker saw cf-connecting-ip %q, x-real-ip %q, x-forwarded-for %q; want %q, %q, %q",
				c.name, s.ConnectingIP, s.RealIP, s.ForwardedFor, c.ip, c.ip, c.wantXFF)
		}
		if s.CF["httpProtocol"] != "HTTP/1.1" {
			t.Errorf("%s: request.cf.httpProtocol = %v, want HTTP/1.1 (cf: %v)", c.name, s.CF["httpProtocol"], s.CF)
		}
		for _, absent := range []string{"tlsVersion", "tlsCipher"} {
			if v, ok := s.CF[absent]; ok {
				t.Errorf("%s: request.cf.%s = %v over plain HTTP, want it absent", c.name, absent, v)
			}
		}
	}
}

// TestSubrequests checks the handler's wiring of the fetch family: the
// next handler (reverse_proxy) serves fetch() to the worker's own host
// and requests passed through on an exception; the egress and
// subrequests options reach the worker.
func TestSubrequests(t *testing.T) {
	var originHits atomic.Int32
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		originHits.Add(1)
		body, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "origin: %s %s %s", r.Method, r.URL.Path, body)
	}))
	defer origin.Close()
	upstream := strings.TrimPrefix(origin.URL, "http://")

	tc := newTester(t)
	tc.InitServer(testConfig(`
:9201 {
	worky * %[1]s {
		subrequests 2
	}
	reverse_proxy %[2]s
}
:9202 {
	worky * %[1]s {
		egress {
			allow 127.0.0.1
			allow_private
		}
	}
	reverse_proxy %[2]s
}
`, script(t, "subrequests.js"), upstream), "caddyfile")

	for _, c := range []struct {
		name, method, url, body string
		status                  int
		want                    string // prefix of the body
		via                     string
		contains                string // "" or what the body must also say
	}{
		{"fetch(request) goes to the origin", "POST", "http://localhost:9201/pass", "hi", 200, "origin: POST /pass hi", "worker", ""},
		{"an exception passes the request through", "POST", "http://localhost:9201/throw", "kept", 200, "origin: POST /throw kept", "", ""},
		{"within the limit", "GET", "http://localhost:9201/limit?n=2", "", 200, "made 2", "", ""},
		{"over the limit", "GET", "http://localhost:9201/limit?n=3", "", 502, "made 2, then ", "", "limit is 2"},
		{"a private address is refused by default", "GET", "http://localhost:9201/egress?to=" + origin.URL + "/x", "", 502, "TypeError: ", "", "127.0.0.1 is a loopback address"},
		{"allow_private lets it through", "GET", "http://localhost:9202/egress?to=" + origin.URL + "/x", "", 200, "fetched 200: origin: GET /x", "", ""},
		{"a host not allowed is refused", "GET", "http://localhost:9202/egress?to=http://localhost:" + origin.URL[strings.LastIndex(origin.URL, ":")+1:] + "/x", "", 502, "TypeError: ", "", "host localhost is not in the allow list"},
	} {
		req, _ := http.NewRequest(c.method, c.url, strings.NewReader(c.body))
		res, err := tc.Client.Do(req)
		if err != nil {
			t.Fatalf("%s: %s %s: %v", c.name, c.method, c.url, err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != c.status || !strings.HasPrefix(string(body), c.want) || !strings.Contains(string(body), c.contains) {
			t.Errorf("%s: %s %s = %d %q, want %d %q... saying %q", c.name, c.method, c.url, res.StatusCode, body, c.status, c.want, c.contains)
		}
		if got := res.Header.Get("X-Via"); got != c.via {
			t.Errorf("%s: X-Via = %q, want %q", c.name, got, c.via)
		}
		if testing.Verbose() {
			t.Logf("%s: %d %q", c.name, res.StatusCode, body)
		}
	}
	if n := originHits.Load(); n != 1+1+2+2+1 {
		t.Errorf("the origin served %d requests, want 7", n)
	}
}

// TestClientInfoTLS checks request.cf over HTTPS: the TLS version and
// cipher the connection negotiated.
func TestClientInfoTLS(t *testing.T) {
	tc := newTester(t)
	tc.InitServer(fmt.Sprintf(`{
	admin localhost:%d
	local_certs
	skip_install_trust
	http_port 9204
	https_port 9203
	auto_https disable_redirects
}
https://localhost:9203 {
	tls internal
	worky * %s
}
`, adminPort, script(t, "client.js")), "caddyfile")
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true, MaxVersion: tls.VersionTLS12,
			CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}},
	}}
	// Caddy obtains the internal certificate in the background after the
	// config loads; until then the handshake fails.
	var res *http.Response
	var err error
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if res, err = client.Get("https://localhost:9203/"); err == nil || time.Now().After(deadline) {
			break
		}
	}
	if err != nil {
		t.Fatalf("GET https://localhost:9203/: %v", err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	var s struct {
		ConnectingIP string            `json:"connectingIP"`
		CF           map[string]string `json:"cf"`
	}
	if err := json.Unmarshal(body, &s); err != nil {
		t.Fatalf("%v in %q", err, body)
	}
	want := map[string]string{
		"httpProtocol": "HTTP/1.1", // the client offers no h2 without ForceAttemptHTTP2
		"tlsVersion":   "TLS 1.2",
		"tlsCipher":    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
	}
	if !reflect.DeepEqual(s.CF, want) {
		t.Errorf("request.cf = %v, want %v", s.CF, want)
	}
	if s.ConnectingIP != "127.0.0.1" && s.ConnectingIP != "::1" {
		t.Errorf("cf-connecting-ip = %q, want the loopback address the test connects from", s.ConnectingIP)
	}
}
