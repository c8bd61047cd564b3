package ops_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/worky-dev/worky/ops"
	"github.com/worky-dev/worky/runtime"
)

// npmUnreachable matches npm's errors for a registry it cannot reach.
var npmUnreachable = regexp.MustCompile(`ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNREFUSED|ECONNRESET|ENETUNREACH`)

// TestNPMLibraries runs a worker built from the npm libraries Workers
// code commonly uses (Hono, itty-router, zod, jose) at the exact versions
// of ops/testdata/npm/package-lock.json, installed by npm at test time,
// with every family, and checks what each route answers. It needs npm and
// the npm registry; without them it skips, saying why (CI has both).
func TestNPMLibraries(t *testing.T) {
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Skip("npm is not installed: the npm libraries test needs it to install Hono, itty-router, zod and jose")
	}
	dir := t.TempDir()
	for _, f := range []string{"package.json", "package-lock.json", "worker.ts"} {
		data, err := os.ReadFile(filepath.Join("testdata", "npm", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		if npmUnreachable.Match(out) {
			t.Skipf("the npm registry is unreachable, so the libraries cannot be installed: %s", out)
		}
		t.Fatalf("npm ci: %v\n%s", err, out)
	}

	p, err := runtime.NewPool(runtime.Config{
		Name:       t.Name(),
		Script:     filepath.Join(dir, "worker.ts"),
		Isolates:   1,
		Extensions: ops.All(),
		Logger:     zaptest.NewLogger(t),
		Bindings:   []runtime.Binding{{Name: "SECRET", Kind: "secret", Value: "a secret of at least 32 bytes, for HS256"}},
	})
	if err != nil {
		t.Fatalf("building the worker: %v", err)
	}
	t.Cleanup(func() { p.Close() })

	cases := []struct {
		method, path, body string
		status             int
		want               string // JSON
	}{
		{"GET", "/hono/hello/worky?q=1", "", 200, `{"hello":"worky","q":"1"}`},
		{"POST", "/hono/users", `{"name":"Ada","age":36,"email":"ada@example.com"}`, 201, `{"name":"Ada","age":36,"email":"ada@example.com"}`},
		{"POST", "/hono/users", `{"name":"","age":-1,"email":"nope"}`, 400, `{"errors":["name","age","email"]}`},
		{"GET", "/hono/nowhere", "", 404, ``},
		{"GET", "/itty/items/42?q=x", "", 200, `{"id":"42","q":"x"}`},
		{"POST", "/itty/echo", `{"a":[1,2]}`, 200, `{"echoed":{"a":[1,2]}}`},
		{"GET", "/jwt/hs256", "", 200, `{"sub":"alice","role":"admin","alg":"HS256","expired":"ERR_JWT_EXPIRED"}`},
		{"GET", "/jwt/sign/RS256", "", 200, `{"sub":"bob","kty":"RSA","tampered":"ERR_JWS_SIGNATURE_VERIFICATION_FAILED","unchanged":true}`},
		{"GET", "/jwt/sign/PS384", "", 200, `{"sub":"bob","kty":"RSA","tampered":"ERR_JWS_SIGNATURE_VERIFICATION_FAILED","unchanged":true}`},
		{"GET", "/jwt/sign/ES256", "", 200, `{"sub":"bob","kty":"EC","tampered":"ERR_JWS_SIGNATURE_VERIFICATION_FAILED","unchanged":true}`},
		{"GET", "/jwt/sign/ES512", "", 200, `{"sub":"bob","kty":"EC","tampered":"ERR_JWS_SIGNATURE_VERIFICATION_FAILED","unchanged":true}`},
		{"GET", "/jwt/sign/EdDSA", "", 200, `{"sub":"bob","kty":"OKP","tampered":"ERR_JWS_SIGNATURE_VERIFICATION_FAILED","unchanged":true}`},
		{"GET", "/jwe/RSA-OAEP-256/A256GCM", "", 200, `{"parts":5,"plaintext":"the secret plans"}`},
		{"GET", "/jwe/ECDH-ES+A256KW/A128CBC-HS256", "", 200, `{"parts":5,"plaintext":"the secret plans"}`},
	}
	for _, tc := range cases {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			var body *strings.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
			} else {
				body = strings.NewReader("")
			}
			r := httptest.NewRequest(tc.method, "http://example.com"+tc.path, body)
			if tc.body != "" {
				r.Header.Set("Content-Type", "application/json")
			}
			w := httptest.NewRecorder()
			if err := p.Dispatch(w, r); err != nil {
				t.Fatalf("dispatch: %v", err)
			}
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d; body %s", w.Code, tc.status, w.Body)
			}
			if tc.want == "" {
				return
			}
			var got, want any
			if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
				t.Fatalf("body %q is not JSON: %v", w.Body, err)
			}
			if err := json.Unmarshal([]byte(tc.want), &want); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("got %s, want %s", w.Body, tc.want)
			}
		})
	}
}
