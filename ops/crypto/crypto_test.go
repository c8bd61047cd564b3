package crypto

import (
	"regexp"
	"testing"

	"github.com/worky-dev/worky/ops/dom"
	"github.com/worky-dev/worky/ops/opstest"
	"github.com/worky-dev/worky/ops/webidl"
	"github.com/worky-dev/worky/runtime"
)

func TestCryptoCases(t *testing.T) {
	opstest.RunCases(t, []*runtime.Extension{webidl.Extension(), dom.Extension(), Extension()}, "testdata/crypto.js")
}

// TestRandomUUIDFormat checks the op directly: version and variant bits,
// layout.
func TestRandomUUIDFormat(t *testing.T) {
	re := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for range 10000 {
		v, err := opCryptoRandomUUID(nil)
		if err != nil {
			t.Fatal(err)
		}
		s := v.(string)
		if !re.MatchString(s) {
			t.Fatalf("opCryptoRandomUUID = %q, not a version 4 UUID", s)
		}
		if seen[s] {
			t.Fatalf("opCryptoRandomUUID repeated %q", s)
		}
		seen[s] = true
	}
}
