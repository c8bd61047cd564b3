package examples

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/caddyserver/caddy/v2/caddytest"
)

// newOrigin starts an origin on 127.0.0.1 for a test; Caddy reaches it
// through reverse_proxy. It returns the origin's host:port and a count of
// the requests it served.
func newOrigin(t *testing.T, h http.HandlerFunc) (string, *atomic.Int32) {
	t.Helper()
	hits := new(atomic.Int32)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://"), hits
}

// do sends req and returns the status, headers and body. It sends the
// cookies req has and no others: caddytest's client keeps a cookie jar,
// which would make every visitor a returning one.
func do(t *testing.T, tc *caddytest.Tester, req *http.Request) (int, http.Header, string) {
	t.Helper()
	client := *tc.Client
	client.Jar = nil
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", req.Method, req.URL, err)
	}
	return res.StatusCode, res.Header, string(body)
}

// edgeOrigin is the origin behind examples/edge-middleware: HTML pages
// under /a/ and /b/ that say which path and headers they got, a JSON
// document, and an echo of a POST body.
func edgeOrigin(w http.ResponseWriter, r *http.Request) {
	group, rest, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if !ok || (group != "a" && group != "b") {
		http.Error(w, "no such variant: "+r.URL.Path, http.StatusNotFound)
		return
	}
	switch rest {
	case "data.json":
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"greeting":"Hello from the origin","group":%q}`, group)
	case "echo":
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintf(w, "%s %s %s", r.Method, r.URL.Path, body)
	default:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!doctype html><title>Variant %s</title>\n<p>Hello from the origin</p>\n"+
			"<p>path=%s</p>\n<p>x-worky=%s</p>\n<p>group=%s</p>\n",
			group, r.URL.Path, r.Header.Get("X-Worky"), r.Header.Get("X-Ab-Group"))
	}
}

// abCookie returns the group the response's ab cookie sets, or "".
func abCookie(h http.Header) string {
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Name == "ab" {
			return c.Value
		}
	}
	return ""
}

func TestEdgeMiddleware(t *testing.T) {
	origin, hits := newOrigin(t, edgeOrigin)
	tc := serveWithOrigins(t, "edge-middleware", "Caddyfile",
		map[string]string{":8090": ":9291"}, map[string]string{"localhost:9000": origin})
	const base = "http://localhost:9291"
	page := func(cookie string) (http.Header, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", base+"/page", nil)
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		status, h, body := do(t, tc, req)
		if status != 200 {
			t.Fatalf("GET /page (cookie %q): status %d, body %q", cookie, status, body)
		}
		return h, body
	}
	checkPage := func(what, group string, h http.Header, body string) {
		t.Helper()
		for _, want := range []string{
			"<p>Hello from the edge</p>",
			"<p>path=/" + group + "/page</p>",
			"<p>x-worky=1</p>",
			"<p>group=" + group + "</p>",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: body %q does not contain %q", what, body, want)
			}
		}
		if strings.Contains(body, "Hello from the origin") {
			t.Errorf("%s: the HTML was not rewritten: %q", what, body)
		}
		if got := h.Get("Cache-Control"); got != "private, no-store" {
			t.Errorf("%s: Cache-Control = %q, want \"private, no-store\"", what, got)
		}
		if got := h.Get("X-Ab-Group"); got != group {
			t.Errorf("%s: X-Ab-Group = %q, want %q", what, got, group)
		}
	}

	// A returning visitor keeps their group and gets no new cookie.
	for _, group := range []string{"a", "b"} {
		h, body := page("theme=dark; ab=" + group)
		checkPage("cookie ab="+group, group, h, body)
		if c := h.Values("Set-Cookie"); len(c) != 0 {
			t.Errorf("cookie ab=%s: the worker set a cookie again: %q", group, c)
		}
	}

	// A new visitor (or one with a cookie that names no group) is put in
	// one, told so by a cookie, and both groups get visitors.
	seen := map[string]int{}
	for i := range 30 {
		cookie := ""
		if i%3 == 0 {
			cookie = "ab=c"
		}
		h, body := page(cookie)
		group := abCookie(h)
		if group != "a" && group != "b" {
			t.Fatalf("new visitor (cookie %q): Set-Cookie %q, want ab=a or ab=b", cookie, h.Values("Set-Cookie"))
		}
		checkPage("new visitor put in "+group, group, h, body)
		if sc := h.Get("Set-Cookie"); !strings.Contains(sc, "Path=/") || !strings.Contains(sc, "HttpOnly") {
			t.Errorf("new visitor: Set-Cookie %q, want Path=/ and HttpOnly", sc)
		}
		seen[group]++
	}
	if seen["a"] == 0 || seen["b"] == 0 {
		t.Errorf("30 new visitors were split %v, want both groups", seen)
	}

	// Only HTML is rewritten.
	req, _ := http.NewRequest("GET", base+"/data.json", nil)
	req.Header.Set("Cookie", "ab=b")
	status, h, body := do(t, tc, req)
	var doc struct{ Greeting, Group string }
	if err := json.Unmarshal([]byte(body), &doc); status != 200 || err != nil ||
		doc.Greeting != "Hello from the origin" || doc.Group != "b" {
		t.Errorf("GET /data.json (ab=b) = %d %q, want the origin's JSON for b, untouched", status, body)
	}
	if ct := h.Get("Content-Type"); ct != "application/json" {
		t.Errorf("GET /data.json: Content-Type %q, want application/json", ct)
	}

	// A request body reaches the origin.
	req, _ = http.NewRequest("POST", base+"/echo", strings.NewReader("ping=1"))
	req.Header.Set("Cookie", "ab=a")
	if status, _, body := do(t, tc, req); status != 200 || body != "POST /a/echo ping=1" {
		t.Errorf("POST /echo (ab=a) = %d %q, want 200 \"POST /a/echo ping=1\"", status, body)
	}

	// Every request reached the origin exactly once: nothing is cached.
	if n := hits.Load(); n != 2+30+2 {
		t.Errorf("the origin served %d requests, want 34 (one per request to Caddy)", n)
	}
}

// apiOrigin echoes what reached it.
func apiOrigin(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]string{
		"method": r.Method,
		"uri":    r.URL.RequestURI(),
		"auth":   r.Header.Get("Authorization"),
		"body":   string(body),
		"type":   r.Header.Get("Content-Type"),
	})
}

func TestAPIGateway(t *testing.T) {
	const token = "tok-3n.x_Z~9"
	t.Setenv("API_TOKEN", token)
	origin, hits := newOrigin(t, apiOrigin)
	tc := serveWithOrigins(t, "api-gateway", "Caddyfile",
		map[string]string{":8091": ":9292"}, map[string]string{"localhost:9001": origin})
	const base = "http://localhost:9292"

	for _, c := range []struct {
		name, auth, errCode string
	}{
		{"no header", "", "unauthorized"},
		{"basic auth", "Basic dXNlcjpwYXNz", "invalid_request"},
		{"bearer without a token", "Bearer", "invalid_request"},
		{"two tokens", "Bearer " + token + " " + token, "invalid_request"},
		{"wrong token", "Bearer nope", "invalid_token"},
		{"token prefix", "Bearer " + token[:len(token)-1], "invalid_token"},
		{"token with more", "Bearer " + token + "x", "invalid_token"},
	} {
		req, _ := http.NewRequest("GET", base+"/v1/items", nil)
		if c.auth != "" {
			req.Header.Set("Authorization", c.auth)
		}
		status, h, body := do(t, tc, req)
		var e struct{ Error string }
		if err := json.Unmarshal([]byte(body), &e); status != 401 || err != nil || e.Error != c.errCode {
			t.Errorf("%s: GET /v1/items = %d %q, want 401 with error %q", c.name, status, body, c.errCode)
		}
		if wa := h.Get("Www-Authenticate"); !strings.HasPrefix(wa, "Bearer") {
			t.Errorf("%s: WWW-Authenticate = %q, want a Bearer challenge", c.name, wa)
		}
		if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("%s: Content-Type = %q, want application/json", c.name, ct)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the origin got %d requests the gateway should have refused", n)
	}

	for _, c := range []struct {
		name, method, path, auth, body, ctype string
	}{
		{"GET", "GET", "/v1/items?limit=2", "Bearer " + token, "", ""},
		{"lowercase scheme", "GET", "/v1/items/7", "bearer " + token, "", ""},
		{"POST with a body", "POST", "/v1/items", "Bearer " + token, `{"name":"x"}`, "application/json"},
	} {
		var rb io.Reader
		if c.body != "" {
			rb = strings.NewReader(c.body)
		}
		req, _ := http.NewRequest(c.method, base+c.path, rb)
		req.Header.Set("Authorization", c.auth)
		if c.ctype != "" {
			req.Header.Set("Content-Type", c.ctype)
		}
		status, _, body := do(t, tc, req)
		var got map[string]string
		if err := json.Unmarshal([]byte(body), &got); status != 200 || err != nil {
			t.Errorf("%s: %s %s = %d %q, want 200 from the origin", c.name, c.method, c.path, status, body)
			continue
		}
		want := map[string]string{"method": c.method, "uri": c.path, "auth": c.auth, "body": c.body, "type": c.ctype}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: the origin got %s %q, want %q (all: %v)", c.name, k, got[k], v, got)
			}
		}
	}
	if n := hits.Load(); n != 3 {
		t.Errorf("the origin served %d requests, want 3", n)
	}
}
