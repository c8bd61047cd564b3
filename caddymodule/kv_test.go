package caddymodule

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/worky-dev/worky/kv"
)

// kvConfig prepends the global options of a test config that sets
// kv_path (and kv_cache, unless it is "").
func kvConfig(kvPath, kvCache, format string, args ...any) string {
	cache := ""
	if kvCache != "" {
		cache = "\n\t\tkv_cache " + kvCache
	}
	return fmt.Sprintf("{\n\tadmin localhost:%d\n\tworky {\n\t\tkv_path %s%s\n\t}\n}\n", adminPort, kvPath, cache) +
		fmt.Sprintf(format, args...)
}

// adminDo sends a request to the admin endpoint and returns the status,
// body and headers.
func adminDo(t *testing.T, method, path, body string, header http.Header) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, fmt.Sprintf("http://localhost:%d%s", adminPort, path), strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", method, path, err)
	}
	return res.StatusCode, string(b), res.Header
}

// adminExpect sends a request to the admin endpoint and checks the
// status and that the body contains want.
func adminExpect(t *testing.T, method, path, body string, header http.Header, status int, want string) string {
	t.Helper()
	gotStatus, gotBody, _ := adminDo(t, method, path, body, header)
	if gotStatus != status || !strings.Contains(gotBody, want) {
		t.Errorf("%s %s = %d %q, want %d with %q", method, path, gotStatus, gotBody, status, want)
	}
	return gotBody
}

// TestKVSharedNamespace runs three workers: two bind the same namespace
// and see each other's writes, the third has its own.
func TestKVSharedNamespace(t *testing.T) {
	tc := newTester(t)
	db := filepath.Join(t.TempDir(), "kv.db")
	tc.InitServer(kvConfig(db, "", `
:9191 {
	worky * %[1]s {
		name     one
		isolates 1
		kv       STORE shared
	}
}
:9192 {
	worky * %[1]s {
		name     two
		isolates 1
		kv       STORE shared
	}
}
:9193 {
	worky * %[1]s {
		name     apart
		isolates 1
		kv       STORE
	}
}
`, script(t, "kv.js")), "caddyfile")
	const one, two, apart = "http://localhost:9191", "http://localhost:9192", "http://localhost:9193"

	expect(t, tc, one+"/put?key=a&value=first", 200, "ok served=1\n")
	expect(t, tc, two+"/get?key=a", 200, "first served=1\n")
	expect(t, tc, apart+"/get?key=a", 200, "absent served=1\n")
	expect(t, tc, apart+"/put?key=a&value=own", 200, "ok served=2\n")
	expect(t, tc, one+"/get?key=a", 200, "first served=2\n")
	expect(t, tc, apart+"/get?key=a", 200, "own served=3\n")
	adminExpect(t, "GET", "/worky/kv/", "", nil, 200, `["STORE","shared"]`)

	// The admin API writes through the server's cache: a worker that has
	// just read a key (and cached it) sees the admin's write at once.
	expect(t, tc, two+"/get?key=b", 200, "absent served=2\n")
	adminExpect(t, "PUT", "/worky/kv/shared/b", "from admin", nil, http.StatusNoContent, "")
	expect(t, tc, two+"/get?key=b", 200, "from admin served=3\n")
	adminExpect(t, "GET", "/worky/kv/shared/b", "", nil, 200, "from admin")
	adminExpect(t, "DELETE", "/worky/kv/shared/b", "", nil, http.StatusNoContent, "")
	expect(t, tc, two+"/get?key=b", 200, "absent served=4\n")
	expect(t, tc, one+"/list", 200, "a\n")
	expect(t, tc, apart+"/list", 200, "a\n")

	infos := workerInfos(t)
	if len(infos) != 3 || fmt.Sprint(infos[0].KV) != "map[STORE:STORE]" || fmt.Sprint(infos[1].KV) != "map[STORE:shared]" {
		t.Errorf("GET /worky/workers = %+v, want apart bound to STORE, one to shared", infos)
	}

	// Every write is in the database file, where `worky kv` finds it.
	s, err := kv.OpenSQLite(db, kv.SQLiteOptions{SweepInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	e, _, err := s.Get(context.Background(), "shared", "a", kv.GetOptions{})
	if err != nil || e == nil || string(e.Value) != "first" {
		t.Errorf("shared/a in %s = %+v, %v; want \"first\"", db, e, err)
	}
}

func TestKVAdminAPI(t *testing.T) {
	tc := newTester(t)
	db := filepath.Join(t.TempDir(), "kv.db")
	// No worker binds KV: the admin API opens the store on its own.
	tc.InitServer(kvConfig(db, "1MiB", `
:9194 {
	respond "no worker"
}
`), "caddyfile")

	adminExpect(t, "GET", "/worky/kv/", "", nil, 200, "[]")
	adminExpect(t, "GET", "/worky/kv/ns", "", nil, 200, `{"keys":[],"list_complete":true}`)

	// A key with a slash, percent-encoded; a TTL and metadata in a header.
	meta := http.Header{kvMetadataHeader: {`{"n": 1}`}}
	adminExpect(t, "PUT", "/worky/kv/ns/dir%2Fa?ttl=120", "value a", meta, http.StatusNoContent, "")
	status, body, header := adminDo(t, "GET", "/worky/kv/ns/dir%2Fa", "", nil)
	exp, _ := strconv.ParseInt(header.Get(kvExpirationHeader), 10, 64)
	now := time.Now().Unix()
	if status != 200 || body != "value a" || header.Get(kvMetadataHeader) != `{"n":1}` || exp < now+100 || exp > now+130 {
		t.Errorf("GET /worky/kv/ns/dir%%2Fa = %d %q, metadata %q, expiration %d; want \"value a\", {\"n\":1}, about %d",
			status, body, header.Get(kvMetadataHeader), exp, now+120)
	}
	// Metadata as a parameter, an absolute expiration.
	adminExpect(t, "PUT", fmt.Sprintf("/worky/kv/ns/b?expiration=%d&metadata=%%5B1%%5D", now+3600), "value b", nil, http.StatusNoContent, "")
	_, _, header = adminDo(t, "GET", "/worky/kv/ns/b", "", nil)
	if header.Get(kvMetadataHeader) != "[1]" || header.Get(kvExpirationHeader) != strconv.FormatInt(now+3600, 10) {
		t.Errorf("GET /worky/kv/ns/b: metadata %q, expiration %q; want [1] and %d",
			header.Get(kvMetadataHeader), header.Get(kvExpirationHeader), now+3600)
	}
	// A key without metadata or expiration gets neither header.
	adminExpect(t, "PUT", "/worky/kv/ns/plain", "", nil, http.StatusNoContent, "")
	if status, body, header := adminDo(t, "GET", "/worky/kv/ns/plain", "", nil); status != 200 || body != "" ||
		header.Get(kvMetadataHeader) != "" || header.Get(kvExpirationHeader) != "" {
		t.Errorf("GET /worky/kv/ns/plain = %d %q %v, want 200, an empty body and no KV headers", status, body, header)
	}

	// Listing in pages.
	for i := 1; i <= 5; i++ {
		adminExpect(t, "PUT", fmt.Sprintf("/worky/kv/list/k%d", i), "v", nil, http.StatusNoContent, "")
	}
	var page kvListResult
	var names []string
	cursor := ""
	for range 3 {
		_, body, _ := adminDo(t, "GET", "/worky/kv/list?prefix=k&limit=2&cursor="+cursor, "", nil)
		if err := json.Unmarshal([]byte(body), &page); err != nil {
			t.Fatalf("GET /worky/kv/list: %v in %q", err, body)
		}
		for _, k := range page.Keys {
			names = append(names, k.Name)
		}
		if page.ListComplete {
			break
		}
		if page.Cursor == "" {
			t.Fatalf("GET /worky/kv/list = %s: incomplete without a cursor", body)
		}
		cursor = page.Cursor
	}
	if fmt.Sprint(names) != "[k1 k2 k3 k4 k5]" || !page.ListComplete {
		t.Errorf("listing list by 2 gave %v (complete %v), want [k1 k2 k3 k4 k5], complete", names, page.ListComplete)
	}
	adminExpect(t, "GET", "/worky/kv/ns", "", nil, 200, `{"name":"b","expiration":`+strconv.FormatInt(now+3600, 10)+`,"metadata":[1]}`)
	adminExpect(t, "GET", "/worky/kv/", "", nil, 200, `["list","ns"]`)

	// Deleting, and what is absent.
	adminExpect(t, "DELETE", "/worky/kv/ns/dir%2Fa", "", nil, http.StatusNoContent, "")
	adminExpect(t, "GET", "/worky/kv/ns/dir%2Fa", "", nil, http.StatusNotFound, `key \"dir/a\" not found in namespace \"ns\"`)
	adminExpect(t, "DELETE", "/worky/kv/ns/never", "", nil, http.StatusNoContent, "")

	// Bad input: a 400 that names the problem, and nothing written.
	for _, c := range []struct {
		method, path, body string
		header             http.Header
		status             int
		want               string
	}{
		{"PUT", "/worky/kv/ns/k?ttl=10", "v", nil, 400, "expirationTtl 10 is less than the minimum of 60 seconds"},
		{"PUT", "/worky/kv/ns/k?ttl=soon", "v", nil, 400, `ttl must be a whole number of seconds, got \"soon\"`},
		{"PUT", "/worky/kv/ns/k?expiration=1000", "v", nil, 400, "expiration 1000 is less than 60 seconds in the future"},
		{"PUT", "/worky/kv/ns/k?ttl=100&expiration=2000000000", "v", nil, 400, "give ttl or expiration, not both"},
		{"PUT", "/worky/kv/ns/k", "v", http.Header{kvMetadataHeader: {"{oops"}}, 400, "metadata is not valid JSON"},
		{"PUT", "/worky/kv/ns/k?metadata=1", "v", http.Header{kvMetadataHeader: {"2"}}, 400, "not both"},
		{"PUT", "/worky/kv/ns/k", "v", http.Header{kvMetadataHeader: {`"` + strings.Repeat("m", 1100) + `"`}}, 400,
			"metadata is 1102 bytes of JSON; the limit is 1024"},
		{"PUT", "/worky/kv/ns/" + strings.Repeat("k", 513), "v", nil, 400, "key is 513 bytes long; the limit is 512"},
		{"PUT", "/worky/kv/ns/", "v", nil, 400, "key must not be empty"},
		{"PUT", "/worky/kv/ns/%2E%2E", "v", nil, 400, `key must not be \"..\"`},
		{"GET", "/worky/kv/ns%2Fx/k", "", nil, 400, `namespace \"ns/x\" must not contain`},
		{"GET", "/worky/kv/ns?limit=0", "", nil, 400, `limit must be an integer from 1 to 1000, got \"0\"`},
		{"GET", "/worky/kv/ns?limit=1001", "", nil, 400, `limit must be an integer from 1 to 1000, got \"1001\"`},
		{"POST", "/worky/kv/ns/k", "v", nil, 405, "method POST not allowed; use GET or PUT or DELETE"},
		{"POST", "/worky/kv/", "", nil, 405, "method POST not allowed; use GET"},
		{"DELETE", "/worky/kv/ns", "", nil, 405, "method DELETE not allowed; use GET"},
	} {
		adminExpect(t, c.method, c.path, c.body, c.header, c.status, c.want)
	}
	big := strings.Repeat("x", kv.MaxValueSize+1)
	adminExpect(t, "PUT", "/worky/kv/ns/big", big, nil, 400, "value is 26214401 bytes long; the limit is 26214400 (25 MiB)")
	adminExpect(t, "GET", "/worky/kv/ns/k", "", nil, 404, "not found")
	adminExpect(t, "GET", "/worky/kv/ns/big", "", nil, 404, "not found")
}

// TestKVNoApp: with no worky app in the running config, the KV routes
// say so.
func TestKVNoApp(t *testing.T) {
	tc := newTester(t)
	tc.InitServer(testConfig(`
:9195 {
	respond "plain"
}
`), "caddyfile")
	adminExpect(t, "GET", "/worky/kv/", "", nil, 503, "the running config has no worky app")
}

// TestKVReload checks what a reload does with the store: the same
// kv_path keeps the open database and the warm worker; another kv_path
// moves the warm worker to the new database and closes the old one.
func TestKVReload(t *testing.T) {
	tc := newTester(t)
	dir := t.TempDir()
	first, second := filepath.Join(dir, "first.db"), filepath.Join(dir, "second", "kv.db")
	config := func(kvPath, kvCache, other string) string {
		return kvConfig(kvPath, kvCache, `
:9196 {
	worky * %s {
		name     reload
		isolates 1
		kv       STORE
	}
}
:9197 {
	respond %q
}
`, script(t, "kv.js"), other)
	}
	const worker, other = "http://localhost:9196", "http://localhost:9197/"

	tc.InitServer(config(first, "", "a"), "caddyfile")
	expect(t, tc, worker+"/put?key=k&value=1", 200, "ok served=1\n")
	expect(t, tc, worker+"/get?key=k", 200, "1 served=2\n")

	// Another part of the config changes: the same database, still open.
	mustLoad(t, config(first, "", "b"))
	expect(t, tc, other, 200, "b")
	expect(t, tc, worker+"/get?key=k", 200, "1 served=3\n")
	waitForPools(t, 1)
	waitForRefs(t, first, 1)

	// kv_path changes: the warm worker (served goes on) reads the new
	// database, and the old one is closed.
	mustLoad(t, config(second, "", "c"))
	expect(t, tc, worker+"/get?key=k", 200, "absent served=4\n")
	expect(t, tc, worker+"/put?key=k&value=2", 200, "ok served=5\n")
	waitForPools(t, 1)
	waitForRefs(t, first, 0)
	waitForRefs(t, second, 1)
	s, err := kv.OpenSQLite(first, kv.SQLiteOptions{SweepInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	e, _, err := s.Get(context.Background(), "STORE", "k", kv.GetOptions{})
	s.Close()
	if err != nil || e == nil || string(e.Value) != "1" {
		t.Errorf("STORE/k in the first database = %+v, %v; want \"1\"", e, err)
	}

	// kv_cache changes: a new cache over the same open database; the
	// worker moves to it, and still reads its writes and the admin's.
	mustLoad(t, config(second, "2MiB", "d"))
	expect(t, tc, worker+"/get?key=k", 200, "2 served=6\n")
	adminExpect(t, "PUT", "/worky/kv/STORE/k", "3", nil, http.StatusNoContent, "")
	expect(t, tc, worker+"/get?key=k", 200, "3 served=7\n")
	waitForPools(t, 1)
	waitForRefs(t, second, 1)
	n := 0
	kvCaches.Range(func(key, _ any) bool {
		if strings.HasPrefix(key.(string), second+"\x00") {
			n++
		}
		return true
	})
	if n != 1 {
		t.Errorf("after changing kv_cache, %d caches over %s are open, want 1", n, second)
	}
}

// waitForRefs waits until the database at path has n users (caches over
// it); 0 means it is closed.
func waitForRefs(t *testing.T, path string, n int) {
	t.Helper()
	waitFor(t, fmt.Sprintf("%d users of %s", n, path), func() bool {
		refs, _ := kvDBs.References(path)
		return refs == n
	})
}

// TestKVOpenErrors: a database that cannot be opened fails the config
// with its path, and the running config keeps serving.
func TestKVOpenErrors(t *testing.T) {
	tc := newTester(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "kv.db")
	config := func(kvPath string) string {
		return kvConfig(kvPath, "", `
:9198 {
	worky * %s {
		isolates 1
		kv STORE
	}
}
`, script(t, "kv.js"))
	}
	tc.InitServer(config(good), "caddyfile")
	expect(t, tc, "http://localhost:9198/put?key=k&value=v", 200, "ok served=1\n")

	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("not a folder"), 0o644); err != nil {
		t.Fatal(err)
	}
	garbage := filepath.Join(dir, "garbage.db")
	if err := os.WriteFile(garbage, []byte(strings.Repeat("not an SQLite database. ", 100)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path, want string
	}{
		{filepath.Join(file, "kv.db"), "creating the folder of KV database " + filepath.Join(file, "kv.db")},
		{garbage, "opening KV database " + garbage + ": the file is not an SQLite database"},
	} {
		status, msg := load(t, config(c.path))
		if status == http.StatusOK || !strings.Contains(msg, c.want) {
			t.Errorf("loading kv_path %s: %d %q, want a refusal containing %q", c.path, status, msg, c.want)
		}
	}
	expect(t, tc, "http://localhost:9198/get?key=k", 200, "v served=2\n")
}

// TestOpenKVShares checks the sharing of open stores: one database per
// path, one cache per path and size, each closed with its last user.
func TestOpenKVShares(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "kv.db")
	ctx := context.Background()

	s1, k1, err := openKV(path, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	s2, k2, err := openKV(path, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	s3, k3, err := openKV(path, 2<<20)
	if err != nil {
		t.Fatal(err)
	}
	if s1 != s2 || k1 != k2 {
		t.Errorf("opening the same path and cache size twice gave two stores")
	}
	if s3 == s1 {
		t.Errorf("another cache size gave the same cache")
	}
	if refs, _ := kvDBs.References(path); refs != 2 {
		t.Errorf("the database has %d users, want 2 (the two caches)", refs)
	}
	// Both caches read and write the one database.
	if err := s1.Put(ctx, "ns", "k", kv.Entry{Value: []byte("v")}); err != nil {
		t.Fatal(err)
	}
	if e, _, err := s3.Get(ctx, "ns", "k", kv.GetOptions{}); err != nil || e == nil || string(e.Value) != "v" {
		t.Errorf("the other cache reads %+v, %v; want \"v\"", e, err)
	}

	// Closing the one cache leaves the database open for the other.
	for _, k := range []string{k1, k2} {
		if err := releaseKV(k); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := kvCaches.References(k1); ok {
		t.Errorf("the first cache is still open after its last release")
	}
	if e, _, err := s3.Get(ctx, "ns", "k", kv.GetOptions{}); err != nil || e == nil {
		t.Errorf("after the first cache closed, the second reads %+v, %v", e, err)
	}
	if err := releaseKV(k3); err != nil {
		t.Fatal(err)
	}
	if _, ok := kvDBs.References(path); ok {
		t.Errorf("the database is still open after its last cache closed")
	}
	if _, _, err := s3.Get(ctx, "ns", "k", kv.GetOptions{}); err == nil {
		t.Errorf("a read through a closed store succeeded")
	}

	if _, _, err := openKV(filepath.Join(dir, "sub"), 1<<20); err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "sub")) {
		t.Errorf("opening a folder as the database: error %v, want one naming it", err)
	}
	if _, _, err := openKV(filepath.Join(dir, "other.db"), 0); err == nil ||
		!strings.Contains(err.Error(), "KV cache for "+filepath.Join(dir, "other.db")) {
		t.Errorf("a zero cache size: error %v, want one naming the database", err)
	}
	if _, ok := kvDBs.References(filepath.Join(dir, "other.db")); ok {
		t.Errorf("a cache that failed left its database open")
	}
}

// TestKVSwap checks that a worker's store follows the config: use moves
// it to another store and gives up the old one.
func TestKVSwap(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db")
	ctx := context.Background()
	s := new(kvSwap)
	if err := s.use(a, 1<<20); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, "ns", "k", kv.Entry{Value: []byte("in a")}); err != nil {
		t.Fatal(err)
	}
	if err := s.use(b, 1<<20); err != nil {
		t.Fatal(err)
	}
	if _, ok := kvDBs.References(a); ok {
		t.Errorf("%s is still open after the swap to %s", a, b)
	}
	if e, _, err := s.Get(ctx, "ns", "k", kv.GetOptions{}); err != nil || e != nil {
		t.Errorf("after the swap, ns/k = %+v, %v; want absent", e, err)
	}
	if err := s.use(b, 1<<20); err != nil { // the same store again
		t.Fatal(err)
	}
	if refs, _ := kvCaches.References(b + "\x00" + strconv.Itoa(1<<20)); refs != 1 {
		t.Errorf("using the same store twice holds %d uses, want 1", refs)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, ok := kvDBs.References(b); !ok {
		t.Errorf("Close closed the store: it belongs to the pool")
	}
	if err := s.release(); err != nil {
		t.Fatal(err)
	}
	if _, ok := kvDBs.References(b); ok {
		t.Errorf("%s is still open after the release", b)
	}
	if err := s.release(); err != nil {
		t.Errorf("a second release: %v", err)
	}
}

// TestAppKV: the app opens its store on first use, at its defaults, and
// gives it up on Cleanup; a handler with a KV binding fails to provision
// when the store cannot be opened, naming the path.
func TestAppKV(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	app := new(App)
	if _, err := app.kvStore(); err != nil {
		t.Fatal(err)
	}
	if app.KVPath != DefaultKVPath() || app.KVCache != DefaultKVCache {
		t.Errorf("app defaults: kv_path %q, kv_cache %d; want %q, %d", app.KVPath, app.KVCache, DefaultKVPath(), DefaultKVCache)
	}
	if _, err := os.Stat(DefaultKVPath()); err != nil {
		t.Errorf("the default database was not created: %v", err)
	}
	if err := app.Cleanup(); err != nil {
		t.Fatal(err)
	}
	if _, ok := kvDBs.References(DefaultKVPath()); ok {
		t.Errorf("the database is open after the app's Cleanup")
	}
	if _, err := app.kvStore(); err == nil {
		t.Errorf("a cleaned-up app opened its store again")
	}
	if err := new(App).Cleanup(); err != nil {
		t.Errorf("Cleanup of an app that opened nothing: %v", err)
	}
	if err := (&App{KVCache: -1}).Validate(); err == nil || !strings.Contains(err.Error(), "kv_cache must not be negative, got -1") {
		t.Errorf("Validate with kv_cache -1: %v", err)
	}

	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	bad := &App{KVPath: filepath.Join(blocker, "kv.db")}
	h := &Handler{Script: "testdata/workers/kv.js", KVNamespaces: map[string]string{"STORE": "STORE"}, Isolates: 1}
	err := h.provision(bad, zaptest.NewLogger(t))
	if err == nil || !strings.Contains(err.Error(), bad.KVPath) {
		t.Errorf("provisioning a KV worker over an unusable kv_path: error %v, want one naming %s", err, bad.KVPath)
	}
	if err := h.Cleanup(); err != nil {
		t.Errorf("Cleanup after a failed Provision: %v", err)
	}
}
