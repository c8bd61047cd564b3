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
//
// A key's material is freed once subtle.js sees its CryptoKey collected,
// and V8 collects old objects only in full collections, which it runs as
// its heap grows: a CryptoKey is small in V8's heap and may hold kilobytes
// here. So the store tells V8 how much it holds (sync), and V8 counts that
// towards its collections, as it does for ArrayBuffers.
type keyStore struct {
	mu       sync.Mutex
	next     uint64
	keys     map[uint64]*cryptoKey
	bytes    int64 // the approximate Go memory of keys
	reported int64 // what V8 was last told
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
	s.bytes += k.size()
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
	if k := s.keys[id]; k != nil {
		s.bytes -= k.size()
		delete(s.keys, id)
	}
	s.mu.Unlock()
}

// sync tells V8 how much the store's memory changed since it was last
// told. It runs on the isolate's thread, after each op that adds or frees
// keys (keys made off the thread are counted at the next one).
func (s *keyStore) sync(it *runtime.Isolate) {
	s.mu.Lock()
	delta := s.bytes - s.reported
	s.reported = s.bytes
	s.mu.Unlock()
	if delta != 0 {
		it.AdjustExternalMemory(delta)
	}
}

// size is roughly what a key holds in Go's heap, measured with Go 1.26:
// an RSA private key with its precomputed CRT values takes about 18 times
// its modulus (4.5 KB at 2048 bits).
func (k *cryptoKey) size() int64 {
	const overhead = 256 // the struct, its map entry, the algorithm strings
	switch key := k.priv.(type) {
	case *rsa.PrivateKey:
		return overhead + 18*int64(key.Size())
	case nil:
	default:
		return overhead + 512 // EC, Ed25519, X25519: a few field elements
	}
	if pub, ok := k.pub.(*rsa.PublicKey); ok {
		return overhead + 2*int64(pub.Size())
	}
	if k.pub != nil {
		return overhead + 256
	}
	return overhead + int64(cap(k.secret))
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
