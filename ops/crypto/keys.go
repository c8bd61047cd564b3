package crypto

import (
	"crypto"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"hash"
	"sync"

	"github.com/worky-dev/worky/runtime"
)

// cryptoKey is the material behind one JS CryptoKey. It never leaves Go
// except through exportKey of an extractable key (the JS side checks
// extractable before asking).
type cryptoKey struct {
	typ    string // "secret", "public" or "private"
	alg    string // the normalized algorithm name, e.g. "AES-GCM"
	hash   string // HMAC and RSA: the hash name
	curve  string // EC: "P-256", "P-384" or "P-521"
	length int    // HMAC: the key length in bits
	// extractable is checked here as well as in subtle.js, so that no
	// JS bug can export a non-extractable key.
	extractable bool
	secret      []byte
	priv        any // *ecdsa.PrivateKey, ed25519.PrivateKey, *ecdh.PrivateKey, *rsa.PrivateKey
	pub         any // *ecdsa.PublicKey, ed25519.PublicKey, *ecdh.PublicKey, *rsa.PublicKey
	// rsaCRT is an RSA private key's form for pss.go's own private-key
	// operation (RSA-PSS with saltLength 0), made on first use.
	rsaCRT rsaCRTCache
}

// keyStore holds an isolate's keys by id. Async ops (RSA key generation)
// add keys from another goroutine, hence the mutex.
type keyStore struct {
	mu   sync.Mutex
	next uint64
	keys map[uint64]*cryptoKey
}

type storeKey struct{}

// storeOf returns the isolate's key store, made on first use. Called on
// the isolate's thread only.
func storeOf(c *runtime.Call) *keyStore {
	it := c.Isolate()
	if s, ok := it.State(storeKey{}).(*keyStore); ok {
		return s
	}
	s := &keyStore{keys: map[uint64]*cryptoKey{}}
	it.SetState(storeKey{}, s)
	return s
}

func (s *keyStore) add(k *cryptoKey) uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.next++
	s.keys[s.next] = k
	return s.next
}

func (s *keyStore) get(id uint64) (*cryptoKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.keys[id]
	if k == nil {
		return nil, runtime.DOMException("InvalidAccessError", "the CryptoKey's material is gone (key %d)", id)
	}
	return k, nil
}

func (s *keyStore) free(id uint64) {
	s.mu.Lock()
	delete(s.keys, id)
	s.mu.Unlock()
}

// hashBlockBits are the digests WebCrypto names, with their block size in
// bits (an HMAC key's default length).
var hashBlockBits = map[string]int{"SHA-1": 512, "SHA-256": 512, "SHA-384": 1024, "SHA-512": 1024}

func hashFunc(name string) (func() hash.Hash, crypto.Hash, error) {
	switch name {
	case "SHA-1":
		return sha1.New, crypto.SHA1, nil
	case "SHA-256":
		return sha256.New, crypto.SHA256, nil
	case "SHA-384":
		return sha512.New384, crypto.SHA384, nil
	case "SHA-512":
		return sha512.New, crypto.SHA512, nil
	}
	return nil, 0, runtime.DOMException("NotSupportedError", "unrecognized hash %q", name)
}

func curveOf(name string) (elliptic.Curve, error) {
	switch name {
	case "P-256":
		return elliptic.P256(), nil
	case "P-384":
		return elliptic.P384(), nil
	case "P-521":
		return elliptic.P521(), nil
	}
	return nil, runtime.DOMException("NotSupportedError", "unrecognized namedCurve %q", name)
}

func curveName(c elliptic.Curve) string { return c.Params().Name }

func curveBytes(name string) int {
	switch name {
	case "P-256":
		return 32
	case "P-384":
		return 48
	}
	return 66
}

func opError(format string, args ...any) error {
	return runtime.DOMException("OperationError", format, args...)
}

func dataError(format string, args ...any) error {
	return runtime.DOMException("DataError", format, args...)
}

func notSupported(format string, args ...any) error {
	return runtime.DOMException("NotSupportedError", format, args...)
}

func invalidAccess(format string, args ...any) error {
	return runtime.DOMException("InvalidAccessError", format, args...)
}

// algorithmDict is the CryptoKey's algorithm dictionary as JS shows it.
func (k *cryptoKey) algorithmDict() map[string]any {
	d := map[string]any{"name": k.alg}
	switch k.alg {
	case "HMAC":
		d["hash"] = map[string]any{"name": k.hash}
		d["length"] = k.length
	case "AES-GCM", "AES-CBC", "AES-CTR", "AES-KW":
		d["length"] = len(k.secret) * 8
	case "ECDSA", "ECDH":
		d["namedCurve"] = k.curve
	case "RSASSA-PKCS1-v1_5", "RSA-PSS", "RSA-OAEP":
		var pub *rsa.PublicKey
		if p, ok := k.priv.(*rsa.PrivateKey); ok {
			pub = &p.PublicKey
		} else {
			pub = k.pub.(*rsa.PublicKey)
		}
		d["hash"] = map[string]any{"name": k.hash}
		d["modulusLength"] = pub.N.BitLen()
		var e []int
		for x := pub.E; x > 0; x >>= 8 {
			e = append([]int{x & 0xff}, e...)
		}
		d["publicExponent"] = e
	}
	return d
}
