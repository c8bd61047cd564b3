package crypto

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strconv"
	"testing"

	"github.com/worky-dev/worky/ops/dom"
	"github.com/worky-dev/worky/ops/opstest"
	"github.com/worky-dev/worky/ops/webidl"
	"github.com/worky-dev/worky/runtime"
)

func TestSubtleCases(t *testing.T) {
	opstest.RunCases(t, []*runtime.Extension{webidl.Extension(), dom.Extension(), Extension()}, "testdata/subtle.js")
}

// TestAESKeyWrapRFC3394 runs the wrap and unwrap of RFC 3394 section 4
// (4.1 to 4.6) directly.
func TestAESKeyWrapRFC3394(t *testing.T) {
	kek := "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"
	data := "00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F"
	tests := []struct {
		name            string
		kekLen, dataLen int
		want            string
	}{
		{"4.1", 16, 16, "1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5"},
		{"4.2", 24, 16, "96778B25AE6CA435F92B5B97C050AED2468AB8A17AD84E5D"},
		{"4.3", 32, 16, "64E8C3F9CE0F5BA263E9777905818A2A93C8191E7D6E8AE7"},
		{"4.4", 24, 24, "031D33264E15D33268F24EC260743EDCE1C6C7DDEE725A936BA814915C6762D2"},
		{"4.5", 32, 24, "A8F9BC1612C68B3FF6E6F4FBE30E71E4769C8B80A32CB8958CD5D17D6B254DA1"},
		{"4.6", 32, 32, "28C9F404C4B810F4CBCCB35CFB87F8263F5786E2D80ED326CBC7F0E71A99F43BFB988B9B7A02DD21"},
	}
	for _, tt := range tests {
		k := mustHex(t, kek)[:tt.kekLen]
		d := mustHex(t, data)[:tt.dataLen]
		got, err := aesKeyWrap(k, d)
		if err != nil {
			t.Fatalf("%s: wrap: %v", tt.name, err)
		}
		if want := mustHex(t, tt.want); !bytes.Equal(got.([]byte), want) {
			t.Errorf("%s: wrap = %X, want %X", tt.name, got, want)
		}
		back, err := aesKeyUnwrap(k, got.([]byte))
		if err != nil {
			t.Fatalf("%s: unwrap: %v", tt.name, err)
		}
		if !bytes.Equal(back.([]byte), d) {
			t.Errorf("%s: unwrap = %X, want %X", tt.name, back, d)
		}
		bad := append([]byte(nil), got.([]byte)...)
		bad[len(bad)-1] ^= 1
		if _, err := aesKeyUnwrap(k, bad); !isDOMException(err, "OperationError") {
			t.Errorf("%s: unwrap of tampered data: err = %v, want OperationError", tt.name, err)
		}
	}
}

// TestExportChecksExtractableInGo makes sure Go refuses to export a
// non-extractable key even if JS asked.
func TestExportChecksExtractableInGo(t *testing.T) {
	for _, format := range []string{"raw", "jwk"} {
		r := &subtleReq{Op: "exportKey", Format: format}
		_, err := r.exportKey(&cryptoKey{typ: "secret", alg: "AES-GCM", secret: make([]byte, 16)})
		if !isDOMException(err, "InvalidAccessError") {
			t.Errorf("export %s of a non-extractable key: err = %v, want InvalidAccessError", format, err)
		}
	}
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func isDOMException(err error, name string) bool {
	var je *runtime.JSError
	return errors.As(err, &je) && je.Class == "DOMException" && je.Name == name
}

// TestCollectedKeysAreFreed checks that key material does not pile up in
// Go: a worker that imports a key per request and drops it must not keep
// them all. A test-only family reports the store's size.
func TestCollectedKeysAreFreed(t *testing.T) {
	probe := &runtime.Extension{
		Name: "cryptotest",
		Deps: []string{"crypto"},
		JS:   []runtime.Script{{Name: "ext:cryptotest/probe.js", Source: `core.defineGlobal("__cryptoKeyCount", () => ops.op_cryptotest_keys());`}},
		Ops: []runtime.Op{{Name: "op_cryptotest_keys", Sync: func(c *runtime.Call) (any, error) {
			s := storeOf(c)
			s.mu.Lock()
			defer s.mu.Unlock()
			return len(s.keys), nil
		}}},
	}
	p := opstest.NewPool(t, []*runtime.Extension{webidl.Extension(), dom.Extension(), Extension(), probe}, "export default { fetch() {} };")
	// The keys are made over many tasks, as requests make them: WeakRefs
	// are cleared only once the task that made them is over. Each key
	// holds 64 KiB in Go and next to nothing in V8's heap, so only the
	// memory the store reports to V8 brings the collections that free them.
	const tasks, per = 40, 100
	const n = tasks * per
	opstest.Eval(t, p, `globalThis.kept = await crypto.subtle.importKey("raw", new Uint8Array(16), "AES-GCM", false, ["encrypt"]);`)
	for range tasks {
		opstest.Eval(t, p, `
			for (let i = 0; i < `+strconv.Itoa(per)+`; i++) {
				await crypto.subtle.generateKey({ name: "HMAC", hash: "SHA-256", length: 8 << 16 }, false, ["sign"]);
			}`)
	}
	out := opstest.Eval(t, p, `
		await crypto.subtle.encrypt({ name: "AES-GCM", iv: new Uint8Array(12) }, globalThis.kept, new Uint8Array(1));
		return __cryptoKeyCount();`)
	count, err := strconv.Atoi(out)
	if err != nil {
		t.Fatalf("key count %q: %v", out, err)
	}
	// V8 collects when the reported memory has grown by its external
	// limit (64 MiB) since the last collection: about 1,000 such keys.
	if count > n/3 {
		t.Errorf("%d of %d dropped keys (%d MiB) are still held in Go", count, n, count>>4)
	}
	t.Logf("%d keys held after %d were made", count, n)
}
