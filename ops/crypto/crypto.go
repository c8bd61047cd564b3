// Package crypto provides the crypto global: getRandomValues and
// randomUUID, with the bytes from Go's crypto/rand, and crypto.subtle
// (Web Crypto: SubtleCrypto and CryptoKey) on Go's crypto packages.
package crypto

import (
	"crypto/rand"
	_ "embed"
	"encoding/hex"

	"github.com/worky-dev/worky/runtime"
)

//go:embed crypto.js
var js string

//go:embed subtle.js
var subtleJS string

// maxRandomBytes is getRandomValues' quota; also crypto.js: MAX_RANDOM_BYTES.
const maxRandomBytes = 65536

// Extension returns the crypto family. Its JS provides "crypto" ({Crypto,
// crypto, brand}) to the families that need the Crypto class.
func Extension() *runtime.Extension {
	return &runtime.Extension{
		Name: "crypto",
		Deps: []string{"webidl", "dom"},
		JS: []runtime.Script{
			{Name: "ext:crypto/crypto.js", Source: js},
			{Name: "ext:crypto/subtle.js", Source: subtleJS},
		},
		Ops: []runtime.Op{
			{Name: "op_crypto_random", Sync: opCryptoRandom},
			{Name: "op_crypto_random_uuid", Sync: opCryptoRandomUUID},
			{Name: "op_crypto_subtle", Sync: opCryptoSubtle},
			{Name: "op_crypto_subtle_async", Async: opCryptoSubtleAsync},
			{Name: "op_crypto_key_free", Sync: opCryptoKeyFree},
		},
	}
}

// opCryptoRandom returns n random bytes.
func opCryptoRandom(c *runtime.Call) (any, error) {
	n := c.Int(0)
	if n < 0 || n > maxRandomBytes {
		return nil, runtime.DOMException("QuotaExceededError", "op_crypto_random: %d bytes requested, at most %d allowed", n, maxRandomBytes)
	}
	b := make([]byte, n)
	rand.Read(b) // never fails (Go 1.24+)
	return b, nil
}

// opCryptoRandomUUID returns a random (version 4) UUID, RFC 9562.
func opCryptoRandomUUID(c *runtime.Call) (any, error) {
	var u [16]byte
	rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // variant 10
	var s [36]byte
	hex.Encode(s[0:8], u[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], u[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], u[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], u[8:10])
	s[23] = '-'
	hex.Encode(s[24:], u[10:])
	return string(s[:]), nil
}
