package caddymodule

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2/caddyconfig"
	"github.com/caddyserver/caddy/v2/caddytest"
)

// TestCaddyfileAdapt adapts every testdata/adapt/*.caddyfiletest file: a
// Caddyfile, a line of dashes, then either the JSON it must adapt to or,
// for a Caddyfile that must be refused, text the error must contain.
func TestCaddyfileAdapt(t *testing.T) {
	files, err := filepath.Glob("testdata/adapt/*.caddyfiletest")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no testdata/adapt/*.caddyfiletest files")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".caddyfiletest"), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			caddyfile, expected, ok := strings.Cut(string(data), "----------")
			if !ok {
				t.Fatalf("%s: no ---------- line between the Caddyfile and the expected result", file)
			}
			caddyfile = strings.TrimSpace(caddyfile) + "\n"
			expected = strings.TrimSpace(expected)
			if expected == "" {
				t.Fatalf("%s: nothing expected after the ---------- line", file)
			}
			if expected[0] == '{' {
				if !caddytest.CompareAdapt(t, file, caddyfile, "caddyfile", expected) {
					t.Errorf("%s: adapted JSON differs from the expected (diff above)", file)
				}
				return
			}
			_, _, err = caddyconfig.GetAdapter("caddyfile").Adapt([]byte(caddyfile), nil)
			if err == nil {
				t.Fatalf("%s: adapting succeeded, want an error containing %q", file, expected)
			}
			if !strings.Contains(err.Error(), expected) {
				t.Errorf("%s: error\n\t%v\ndoes not contain\n\t%s", file, err, expected)
			}
		})
	}
}
