package examples

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2/caddytest"

	_ "github.com/worky-dev/worky/caddymodule"
)

// adminPort is this package's Caddy admin endpoint; caddymodule/ uses
// another, as go test runs the two packages at the same time.
const adminPort = 2992

func TestMain(m *testing.M) {
	caddytest.Default.AdminPort = adminPort
	dir, err := os.MkdirTemp("", "worky-examples-")
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

// serve loads a Caddyfile into the test Caddy as a user would run it:
// from dir (relative script paths resolve from there), with each listen
// address in ports rewritten to a test port, the admin endpoint moved
// to the test one and a kv_path moved into a fresh temporary folder.
// caddytest skips under -short or when Caddy cannot start; here that is
// a failure.
func serve(t *testing.T, dir, file string, ports map[string]string) *caddytest.Tester {
	t.Helper()
	return serveWithOrigins(t, dir, file, ports, nil)
}

// serveWithOrigins is serve for a Caddyfile that reverse-proxies: each
// upstream in origins (as the Caddyfile writes it after reverse_proxy)
// is replaced by the test's own origin.
func serveWithOrigins(t *testing.T, dir, file string, ports, origins map[string]string) *caddytest.Tester {
	t.Helper()
	if testing.Short() {
		t.Fatal("the examples run in a real Caddy and caddytest skips them under -short: run go test without -short")
	}
	t.Cleanup(func() {
		if t.Skipped() {
			t.Errorf("caddytest skipped %s instead of running it (is localhost:%d, the admin endpoint, free?)", t.Name(), adminPort)
		}
	})
	data, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		t.Fatal(err)
	}
	config := string(data)
	for from, to := range ports {
		if !strings.Contains(config, from+" {") {
			t.Fatalf("%s has no site %q to move to %q", file, from, to)
		}
		config = strings.ReplaceAll(config, from+" {", to+" {")
	}
	for from, to := range origins {
		if !strings.Contains(config, "reverse_proxy "+from+"\n") {
			t.Fatalf("%s has no reverse_proxy %s to point at %s", file, from, to)
		}
		config = strings.ReplaceAll(config, "reverse_proxy "+from+"\n", "reverse_proxy "+to+"\n")
	}
	db := filepath.Join(t.TempDir(), "kv.db")
	config = kvPathLine.ReplaceAllString(config, "${1}"+strings.ReplaceAll(db, "$", "$$"))
	admin := fmt.Sprintf("admin localhost:%d", adminPort)
	switch {
	case strings.Contains(config, "admin localhost:2019"):
		config = strings.ReplaceAll(config, "admin localhost:2019", admin)
	case globalBlock.MatchString(config):
		config = globalBlock.ReplaceAllString(config, "${0}\t"+admin+"\n")
	default:
		config = "{\n\t" + admin + "\n}\n" + config
	}
	t.Chdir(dir)
	tc := caddytest.NewTester(t)
	tc.InitServer(config, "caddyfile")
	return tc
}

// globalBlock is the opening of a Caddyfile's global options block: a
// first line, after comments, that is "{".
var globalBlock = regexp.MustCompile(`^(?:(?:\s*#.*)?\n)*\{\n`)

// kvPathLine is the kv_path global option of a Caddyfile.
var kvPathLine = regexp.MustCompile(`(?m)^(\s*kv_path\s+)\S+$`)

func get(t *testing.T, tc *caddytest.Tester, url string) string {
	t.Helper()
	res, err := tc.Client.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: status %d, body %q", url, res.StatusCode, body)
	}
	return string(body)
}

func checkHello(t *testing.T, tc *caddytest.Tester, base string) {
	t.Helper()
	if got, want := get(t, tc, base+"/hi?name=Ada"), "Hello, Ada! You asked for /hi\n"; got != want {
		t.Errorf("hello: GET /hi?name=Ada = %q, want %q", got, want)
	}
	if got, want := get(t, tc, base+"/"), "Hello, world! You asked for /\n"; got != want {
		t.Errorf("hello: GET / = %q, want %q", got, want)
	}
}

func checkTypeScript(t *testing.T, tc *caddytest.Tester, base string) {
	t.Helper()
	type answer struct {
		Site  string `json:"site"`
		Quote struct {
			N      int    `json:"n"`
			Text   string `json:"text"`
			Author string `json:"author"`
		} `json:"quote"`
		Total int `json:"total"`
	}
	for _, tc2 := range []struct {
		query  string
		n      int
		author string
	}{
		{"/?n=1", 1, "Kent Beck"},
		{"/", 0, "Edsger W. Dijkstra"},
		{"/?n=-1", 2, "Donald Knuth"},
	} {
		body := get(t, tc, base+tc2.query)
		var a answer
		if err := json.Unmarshal([]byte(body), &a); err != nil {
			t.Errorf("typescript: GET %s: %v in %q", tc2.query, err, body)
			continue
		}
		if a.Site != "Worky quotes" || a.Quote.N != tc2.n || a.Quote.Author != tc2.author || a.Quote.Text == "" || a.Total != 3 {
			t.Errorf("typescript: GET %s = %s, want quote %d by %s of 3 on site \"Worky quotes\"", tc2.query, body, tc2.n, tc2.author)
		}
		if !strings.Contains(body, "\n  \"quote\"") {
			t.Errorf("typescript: GET %s = %q, want JSON indented by 2 (settings.json)", tc2.query, body)
		}
	}
}

func TestHello(t *testing.T) {
	tc := serve(t, "hello", "Caddyfile", map[string]string{":8080": ":9281"})
	checkHello(t, tc, "http://localhost:9281")
}

func TestTypeScript(t *testing.T) {
	tc := serve(t, "typescript", "Caddyfile", map[string]string{":8081": ":9282"})
	checkTypeScript(t, tc, "http://localhost:9282")
}

// checkKVCounter counts visits to a path of its own (the database may be
// shared with another test of the same run), peeks at the count, and
// reads it back through the second worker bound to the namespace.
func checkKVCounter(t *testing.T, tc *caddytest.Tester, counter, stats, path string) {
	t.Helper()
	type count struct {
		Path   string `json:"path"`
		Visits int    `json:"visits"`
	}
	read := func(url string) count {
		t.Helper()
		body := get(t, tc, url)
		var c count
		if err := json.Unmarshal([]byte(body), &c); err != nil {
			t.Fatalf("kv-counter: GET %s: %v in %q", url, err, body)
		}
		return c
	}
	for i := 1; i <= 3; i++ {
		if c := read(counter + path); c.Path != path || c.Visits != i {
			t.Errorf("kv-counter: visit %d to %s = %+v, want {%s %d}", i, path, c, path, i)
		}
	}
	for range 2 {
		if c := read(counter + "/peek" + path); c.Path != path || c.Visits != 3 {
			t.Errorf("kv-counter: GET /peek%s = %+v, want {%s 3} (peeking does not count)", path, c, path)
		}
	}
	if c := read(counter + "/peek/never/visited"); c.Visits != 0 {
		t.Errorf("kv-counter: GET /peek/never/visited = %+v, want 0 visits", c)
	}
	if c := read(counter + "/other"); c.Path != "/other" || c.Visits < 1 {
		t.Errorf("kv-counter: GET /other = %+v, want a count of /other", c)
	}
	body := get(t, tc, stats+"/")
	var counts map[string]int
	if err := json.Unmarshal([]byte(body), &counts); err != nil {
		t.Fatalf("kv-stats: GET / : %v in %q", err, body)
	}
	if counts[path] != 3 || counts["/other"] < 1 {
		t.Errorf("kv-stats: GET / = %s, want %s: 3 and a count of /other", body, path)
	}
	if _, ok := counts["/never/visited"]; ok {
		t.Errorf("kv-stats: GET / = %s: peeking wrote /never/visited", body)
	}
}

func TestKVCounter(t *testing.T) {
	tc := serve(t, "kv-counter", "Caddyfile", map[string]string{":8082": ":9285", ":8083": ":9286"})
	checkKVCounter(t, tc, "http://localhost:9285", "http://localhost:9286", "/some/path")
}

// TestCaddyfileExample runs the README's command: the repository's
// Caddyfile.example, from the repository's root.
func TestCaddyfileExample(t *testing.T) {
	tc := serve(t, "..", "Caddyfile.example", map[string]string{
		":8080": ":9283", ":8081": ":9284", ":8082": ":9287", ":8083": ":9288"})
	checkHello(t, tc, "http://localhost:9283")
	checkTypeScript(t, tc, "http://localhost:9284")
	checkKVCounter(t, tc, "http://localhost:9287", "http://localhost:9288", "/from/the/example")
}
