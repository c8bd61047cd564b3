package caddymodule

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/worky-dev/worky/kv"
)

// runKV runs `worky kv args...` in process, with stdin, and returns its
// stdout and error.
func runKV(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	cmd := &cobra.Command{Use: "kv", SilenceUsage: true, SilenceErrors: true}
	setupKVCommand(cmd)
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetIn(strings.NewReader(stdin))
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), err
}

// mustKV runs a command that must succeed and returns its stdout.
func mustKV(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	out, err := runKV(t, stdin, args...)
	if err != nil {
		t.Fatalf("worky kv %s: %v", strings.Join(args, " "), err)
	}
	return out
}

func TestKVCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sub", "kv.db")
	at := []string{"--db", db}
	with := func(args ...string) []string { return append(args, at...) }

	// Reading or deleting in a database that is not there is an error,
	// and creates nothing.
	for _, args := range [][]string{{"namespaces"}, {"get", "ns", "k"}, {"list", "ns"}, {"delete", "ns", "k"}} {
		if _, err := runKV(t, "", with(args...)...); err == nil || !strings.Contains(err.Error(), "no KV database at "+db) {
			t.Errorf("%s on a missing database: error %v, want one naming %s", args[0], err, db)
		}
	}
	if _, err := os.Stat(filepath.Dir(db)); !os.IsNotExist(err) {
		t.Fatalf("a command that does not write created %s", filepath.Dir(db))
	}

	mustKV(t, "", with("put", "site", "greeting", "hello")...)
	mustKV(t, "from stdin\x00\xff", with("put", "site", "blob", "-")...)
	mustKV(t, "", with("put", "site", "tmp", "soon gone", "--ttl", "120", "--metadata", `{"by":"test"}`)...)
	mustKV(t, "", with("put", "other", "a/b", "slash")...)

	if got := mustKV(t, "", with("get", "site", "greeting")...); got != "hello" {
		t.Errorf("get site greeting = %q, want %q", got, "hello")
	}
	if got := mustKV(t, "", with("get", "site", "blob")...); got != "from stdin\x00\xff" {
		t.Errorf("get site blob = %q, want the bytes put from stdin", got)
	}
	if got := mustKV(t, "", with("get", "other", "a/b")...); got != "slash" {
		t.Errorf("get other a/b = %q, want %q", got, "slash")
	}
	if got := mustKV(t, "", with("namespaces")...); got != "other\nsite\n" {
		t.Errorf("namespaces = %q, want %q", got, "other\nsite\n")
	}

	var keys []kvListKey
	out := mustKV(t, "", with("list", "site")...)
	if err := json.Unmarshal([]byte(out), &keys); err != nil {
		t.Fatalf("list site: %v in %q", err, out)
	}
	now := time.Now().Unix()
	if len(keys) != 3 || keys[0].Name != "blob" || keys[1].Name != "greeting" || keys[2].Name != "tmp" ||
		keys[2].Expiration < now+100 || keys[2].Expiration > now+130 || compact(keys[2].Metadata) != `{"by":"test"}` ||
		keys[0].Expiration != 0 || keys[0].Metadata != nil {
		t.Errorf("list site = %s, want blob, greeting, tmp (expiring in 120s, metadata {\"by\":\"test\"})", out)
	}
	out = mustKV(t, "", with("list", "site", "--prefix", "g")...)
	if err := json.Unmarshal([]byte(out), &keys); err != nil || len(keys) != 1 || keys[0].Name != "greeting" {
		t.Errorf("list site --prefix g = %s, want greeting alone", out)
	}
	out = mustKV(t, "", with("list", "site", "--limit", "2")...)
	if err := json.Unmarshal([]byte(out), &keys); err != nil || len(keys) != 2 || keys[1].Name != "greeting" {
		t.Errorf("list site --limit 2 = %s, want blob and greeting", out)
	}
	if out := mustKV(t, "", with("list", "empty")...); strings.TrimSpace(out) != "[]" {
		t.Errorf("list of an empty namespace = %q, want []", out)
	}

	mustKV(t, "", with("delete", "site", "greeting")...)
	mustKV(t, "", with("delete", "site", "never-there")...)
	if _, err := runKV(t, "", with("get", "site", "greeting")...); err == nil ||
		err.Error() != `key "greeting" not found in namespace "site"` {
		t.Errorf("get of a deleted key: error %v, want it to say the key is not found", err)
	}
}

func TestKVCommandErrors(t *testing.T) {
	db := filepath.Join(t.TempDir(), "kv.db")
	mustKV(t, "", "put", "ns", "keep", "v", "--db", db)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"put", "ns", "", "v"}, `key "": invalid KV input: key must not be empty`},
		{[]string{"put", "ns", "..", "v"}, `key "..": invalid KV input: key must not be ".."`},
		{[]string{"put", "ns", strings.Repeat("k", 513), "v"}, "key is 513 bytes long; the limit is 512"},
		{[]string{"put", "", "k", "v"}, "the namespace must not be empty"},
		{[]string{"put", "a/b", "k", "v"}, `namespace "a/b" must not contain "/"`},
		{[]string{"put", "ns", "k", "v", "--ttl", "30"}, `key "k": invalid KV input: expirationTtl 30 is less than the minimum of 60 seconds`},
		{[]string{"put", "ns", "k", "v", "--ttl", "0"}, "expirationTtl 0 is less than the minimum"},
		{[]string{"put", "ns", "k", "v", "--metadata", "{oops"}, `key "k": --metadata is not valid JSON: "{oops"`},
		{[]string{"put", "ns", "k", "v", "--metadata", `"` + strings.Repeat("m", 1100) + `"`}, "metadata is 1102 bytes of JSON; the limit is 1024"},
		{[]string{"put", "ns", "k"}, "accepts 3 arg(s), received 2"},
		{[]string{"get", "ns", "absent"}, `key "absent" not found in namespace "ns"`},
		{[]string{"delete", "ns", "."}, `key ".": invalid KV input: key must not be "."`},
		{[]string{"list", "ns", "--limit", "-1"}, "--limit must not be negative, got -1"},
	} {
		_, err := runKV(t, "", append(tc.args, "--db", db)...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("worky kv %q: error %v, want one containing %q", tc.args, err, tc.want)
		}
	}
	// The value over 25 MiB, from stdin.
	big := strings.Repeat("x", kv.MaxValueSize+1)
	if _, err := runKV(t, big, "put", "ns", "big", "-", "--db", db); err == nil ||
		!strings.Contains(err.Error(), `key "big": invalid KV input: value is 26214401 bytes long; the limit is 26214400`) {
		t.Errorf("put of a 25 MiB + 1 value: error %v, want one naming the key and the limit", err)
	}
	// Nothing bad was written.
	if out := mustKV(t, "", "list", "ns", "--db", db); !strings.Contains(out, `"keep"`) || strings.Count(out, `"name"`) != 1 {
		t.Errorf("after the refused commands, list ns = %s, want keep alone", out)
	}
}

func TestKVBulk(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "kv.db")
	write := func(name, content string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	future := time.Now().Unix() + 3600
	good := write("good.json", fmt.Sprintf(`[
		{"key": "plain", "value": "one"},
		{"key": "b64", "value": "aGVsbG8gd29ybGQ=", "base64": true},
		{"key": "ttl", "value": "t", "expiration_ttl": 600},
		{"key": "exp", "value": "e", "expiration": %d, "metadata": {"n": 1}},
		{"key": "plain", "value": "two"}
	]`, future))
	if out := mustKV(t, "", "bulk", "put", "ns", good, "--db", db); out != "put 4 keys in namespace ns\n" {
		t.Errorf("bulk put = %q", out)
	}
	for key, want := range map[string]string{"plain": "two", "b64": "hello world", "ttl": "t", "exp": "e"} {
		if got := mustKV(t, "", "get", "ns", key, "--db", db); got != want {
			t.Errorf("after bulk put, get ns %s = %q, want %q", key, got, want)
		}
	}
	var keys []kvListKey
	out := mustKV(t, "", "list", "ns", "--db", db)
	if err := json.Unmarshal([]byte(out), &keys); err != nil || len(keys) != 4 ||
		keys[1].Name != "exp" || keys[1].Expiration != future || compact(keys[1].Metadata) != `{"n":1}` ||
		keys[3].Name != "ttl" || keys[3].Expiration == 0 {
		t.Errorf("after bulk put, list ns = %s", out)
	}

	// From stdin too.
	mustKV(t, `[{"key": "stdin", "value": "in"}]`, "bulk", "put", "ns", "-", "--db", db)
	if got := mustKV(t, "", "get", "ns", "stdin", "--db", db); got != "in" {
		t.Errorf("get ns stdin = %q after a bulk put from stdin", got)
	}

	for _, tc := range []struct {
		name, content, want string
	}{
		{"not-array.json", `{"key": "a"}`, "want a JSON array"},
		{"no-key.json", `[{"value": "v"}]`, `entry 0: "key" is missing`},
		{"no-value.json", `[{"key": "ok", "value": "v"}, {"key": "k"}]`, `entry 1 (key "k"): "value" is missing`},
		{"bad-key.json", `[{"key": "", "value": "v"}]`, `entry 0 (key ""): invalid KV input: key must not be empty`},
		{"short-ttl.json", `[{"key": "k", "value": "v", "expiration_ttl": 5}]`, `entry 0 (key "k"): invalid KV input: expirationTtl 5 is less than the minimum of 60 seconds`},
		{"past.json", `[{"key": "k", "value": "v", "expiration": 1000}]`, `entry 0 (key "k"): invalid KV input: expiration 1000 is less than 60 seconds in the future`},
		{"both.json", fmt.Sprintf(`[{"key": "k", "value": "v", "expiration": %d, "expiration_ttl": 600}]`, future), `give "expiration" or "expiration_ttl", not both`},
		{"base64.json", `[{"key": "k", "value": "!!", "base64": true}]`, `entry 0 (key "k"): "value" is not valid base64`},
		{"unknown.json", `[{"key": "k", "value": "v", "expirationTtl": 600}]`, `entry 0: want an object with "key" and "value" strings: json: unknown field "expirationTtl"`},
		{"number.json", `[{"key": "k", "value": 3}]`, "entry 0: want an object"},
	} {
		p := write(tc.name, tc.content)
		_, err := runKV(t, "", "bulk", "put", "bad", p, "--db", db)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("bulk put %s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
	if out := mustKV(t, "", "namespaces", "--db", db); out != "ns\n" {
		t.Errorf("refused bulk puts wrote something: namespaces = %q", out)
	}
	if _, err := runKV(t, "", "bulk", "put", "ns", filepath.Join(dir, "missing.json"), "--db", db); err == nil ||
		!strings.Contains(err.Error(), "missing.json") {
		t.Errorf("bulk put of a missing file: error %v, want one naming it", err)
	}

	// Bulk delete: checked first, then applied.
	bad := write("bad-del.json", `["plain", ".."]`)
	if _, err := runKV(t, "", "bulk", "delete", "ns", bad, "--db", db); err == nil ||
		!strings.Contains(err.Error(), `entry 1 (key ".."): invalid KV input: key must not be ".."`) {
		t.Errorf("bulk delete with a bad key: error %v", err)
	}
	if got := mustKV(t, "", "get", "ns", "plain", "--db", db); got != "two" {
		t.Errorf("a refused bulk delete deleted plain")
	}
	notStrings := write("objects.json", `[{"key": "plain"}]`)
	if _, err := runKV(t, "", "bulk", "delete", "ns", notStrings, "--db", db); err == nil ||
		!strings.Contains(err.Error(), "want a JSON array of key strings") {
		t.Errorf("bulk delete of objects: error %v", err)
	}
	del := write("del.json", `["plain", "b64", "absent", "plain"]`)
	if out := mustKV(t, "", "bulk", "delete", "ns", del, "--db", db); out != "deleted 3 keys from namespace ns\n" {
		t.Errorf("bulk delete = %q", out)
	}
	out = mustKV(t, "", "list", "ns", "--db", db)
	if err := json.Unmarshal([]byte(out), &keys); err != nil || len(keys) != 3 ||
		keys[0].Name != "exp" || keys[1].Name != "stdin" || keys[2].Name != "ttl" {
		t.Errorf("after bulk delete, list ns = %s, want exp, stdin, ttl", out)
	}
}

// TestBulkPutMany checks that a large bulk put lands whole: the writes go
// out concurrently, for the store to group.
func TestBulkPutMany(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "kv.db")
	var entries []map[string]string
	for i := range 2500 {
		entries = append(entries, map[string]string{"key": fmt.Sprintf("k%05d", i), "value": fmt.Sprint(i)})
	}
	data, _ := json.Marshal(entries)
	file := filepath.Join(dir, "many.json")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	mustKV(t, "", "bulk", "put", "many", file, "--db", db)
	s, err := kv.OpenSQLite(db, kv.SQLiteOptions{SweepInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	count, cursor := 0, ""
	for {
		res, err := s.List(context.Background(), "many", kv.ListOptions{Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		count += len(res.Keys)
		if res.Complete {
			break
		}
		cursor = res.Cursor
	}
	if count != 2500 {
		t.Errorf("after a bulk put of 2500 keys the namespace holds %d", count)
	}
	if got := mustKV(t, "", "list", "many", "--limit", "1500", "--db", db); strings.Count(got, `"name"`) != 1500 {
		t.Errorf("list --limit 1500 printed %d keys, want 1500 (over two pages)", strings.Count(got, `"name"`))
	}
}

// compact is JSON text without its indentation.
func compact(raw json.RawMessage) string {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return fmt.Sprintf("invalid JSON %q: %v", raw, err)
	}
	return b.String()
}

// TestKVCommandExitStatus runs the real command line: this test binary
// as worky. Errors go to stderr with a non-zero exit status.
func TestKVCommandExitStatus(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "kv.db")
	// os.Executable, not os.Args[0]: Caddy's command code rewrites
	// os.Args[0] to "caddy" when an earlier test (or -count=2) ran it.
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	worky := func(args ...string) (string, string, error) {
		cmd := exec.Command(self, args...)
		cmd.Env = append(os.Environ(), "WORKY_TEST_MAIN=1", "XDG_DATA_HOME="+dir, "XDG_CONFIG_HOME="+dir)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		return stdout.String(), stderr.String(), err
	}
	if _, stderr, err := worky("kv", "put", "ns", "k", "v", "--db", db); err != nil {
		t.Fatalf("worky kv put: %v\n%s", err, stderr)
	}
	if out, stderr, err := worky("kv", "get", "ns", "k", "--db", db); err != nil || out != "v" {
		t.Errorf("worky kv get = %q, %v (%s), want \"v\"", out, err, stderr)
	}
	_, stderr, err := worky("kv", "put", "ns", "k", "v", "--ttl", "10", "--db", db)
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() == 0 {
		t.Errorf("worky kv put --ttl 10: %v, want a non-zero exit status", err)
	}
	if !strings.Contains(stderr, "expirationTtl 10 is less than the minimum of 60 seconds") {
		t.Errorf("worky kv put --ttl 10: stderr %q does not say what was wrong", stderr)
	}
	// Without --db: the default path, under the data directory.
	if _, stderr, err := worky("kv", "put", "ns", "k", "default"); err != nil {
		t.Fatalf("worky kv put without --db: %v\n%s", err, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "caddy", "worky", "kv.db")); err != nil {
		t.Errorf("without --db, the database is not at $XDG_DATA_HOME/caddy/worky/kv.db: %v", err)
	}
}
