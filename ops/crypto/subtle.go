package crypto

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/subtle"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/worky-dev/worky/runtime"
)

// subtleReq is one crypto.subtle operation as subtle.js sends it: the
// normalized algorithm's non-byte members, the key ids, and the lengths of
// the byte arguments packed one after another in the op's bytes argument
// (core.toGo carries only one), named in bufNames.
type subtleReq struct {
	Op          string          `json:"op"`
	Alg         algParams       `json:"alg"`
	Key         uint64          `json:"key"`
	Key2        uint64          `json:"key2"`
	ImportAlg   algParams       `json:"importAlg"`
	Format      string          `json:"format"`
	Extractable bool            `json:"extractable"`
	Usages      []string        `json:"usages"`
	JWK         json.RawMessage `json:"jwk"`
	Length      *int            `json:"length"`
	BufNames    []string        `json:"bufNames"`
	BufLens     []int           `json:"bufLens"`

	bufs map[string][]byte
}

// algParams are the members of every WebCrypto algorithm dictionary this
// package takes, except the byte ones (in subtleReq.bufs).
type algParams struct {
	Name          string `json:"name"`
	Hash          string `json:"hash"`
	Length        *int   `json:"length"`
	NamedCurve    string `json:"namedCurve"`
	ModulusLength int    `json:"modulusLength"`
	TagLength     *int   `json:"tagLength"`
	SaltLength    int    `json:"saltLength"`
	Iterations    int    `json:"iterations"`
	Public        uint64 `json:"public"`

	PublicExponent []byte `json:"-"` // from subtleReq.bufs
}

// keyInfo describes a key made by generateKey or importKey to subtle.js.
type keyInfo struct {
	ID        uint64         `json:"id"`
	Type      string         `json:"type"`
	Algorithm map[string]any `json:"algorithm"`
}

func parseReq(c *runtime.Call) (*subtleReq, error) {
	var r subtleReq
	if err := json.Unmarshal([]byte(c.String(0)), &r); err != nil {
		return nil, fmt.Errorf("op_crypto_subtle: bad request: %w", err)
	}
	data, err := c.Bytes(1)
	if err != nil {
		return nil, err
	}
	r.bufs = map[string][]byte{}
	off := 0
	for i, name := range r.BufNames {
		if i >= len(r.BufLens) || r.BufLens[i] < 0 || off+r.BufLens[i] > len(data) {
			return nil, fmt.Errorf("op_crypto_subtle: bad buffer lengths")
		}
		r.bufs[name] = data[off : off+r.BufLens[i] : off+r.BufLens[i]]
		off += r.BufLens[i]
	}
	return &r, nil
}

// opCryptoSubtle runs one crypto.subtle operation on the isolate's thread.
func opCryptoSubtle(c *runtime.Call) (any, error) {
	r, err := parseReq(c)
	if err != nil {
		return nil, err
	}
	s := storeOf(c)
	defer s.sync(c.Isolate())
	return r.run(s)
}

// opCryptoSubtleAsync runs a slow operation (RSA key generation) off the
// isolate's thread.
func opCryptoSubtleAsync(c *runtime.Call) (func() (any, error), error) {
	r, err := parseReq(c)
	if err != nil {
		return nil, err
	}
	s := storeOf(c)
	return func() (any, error) { return r.run(s) }, nil
}

// opCryptoKeyFree forgets the keys (ids, comma-separated) whose CryptoKeys
// were collected.
func opCryptoKeyFree(c *runtime.Call) (any, error) {
	s := storeOf(c)
	for f := range strings.SplitSeq(c.String(0), ",") {
		id, err := strconv.ParseUint(f, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("op_crypto_key_free: bad id %q", f)
		}
		s.free(id)
	}
	s.sync(c.Isolate())
	return nil, nil
}

func (r *subtleReq) run(s *keyStore) (any, error) {
	switch r.Op {
	case "digest":
		h, _, err := hashFunc(r.Alg.Name)
		if err != nil {
			return nil, err
		}
		d := h()
		d.Write(r.bufs["data"])
		return d.Sum(nil), nil
	case "generateKey":
		r.Alg.PublicExponent = r.bufs["publicExponent"]
		keys, err := generateKey(&r.Alg)
		if err != nil {
			return nil, err
		}
		return addKeys(s, keys, r.Extractable), nil
	case "importKey":
		k, err := r.importKey()
		if err != nil {
			return nil, err
		}
		return addKeys(s, []*cryptoKey{k}, r.Extractable), nil
	}
	k, err := s.get(r.Key)
	if err != nil {
		return nil, err
	}
	switch r.Op {
	case "exportKey":
		return r.exportKey(k)
	case "sign":
		return sign(k, &r.Alg, r.bufs["data"])
	case "verify":
		return verify(k, &r.Alg, r.bufs["signature"], r.bufs["data"])
	case "encrypt":
		return r.encrypt(k, true)
	case "decrypt":
		return r.encrypt(k, false)
	case "wrapKey":
		return r.wrapKey(s, k)
	case "unwrapKey":
		return r.unwrapKey(s, k)
	case "deriveBits":
		return r.deriveBits(s, k)
	}
	return nil, fmt.Errorf("op_crypto_subtle: unknown operation %q", r.Op)
}

// addKeys stores new keys and describes them for subtle.js. Public keys
// are always extractable.
func addKeys(s *keyStore, keys []*cryptoKey, extractable bool) []keyInfo {
	out := make([]keyInfo, len(keys))
	for i, k := range keys {
		k.extractable = extractable || k.typ == "public"
		out[i] = keyInfo{ID: s.add(k), Type: k.typ, Algorithm: k.algorithmDict()}
	}
	return out
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func generateKey(a *algParams) ([]*cryptoKey, error) {
	switch a.Name {
	case "HMAC":
		n, ok := hashBlockBits[a.Hash]
		if !ok {
			return nil, notSupported("unrecognized hash %q", a.Hash)
		}
		if a.Length != nil {
			n = *a.Length
		}
		if n <= 0 {
			return nil, opError("HMAC key length must be positive, not %d", n)
		}
		b := randomBytes((n + 7) / 8)
		if n%8 != 0 {
			b[len(b)-1] &= 0xff << (8 - n%8)
		}
		return []*cryptoKey{{typ: "secret", alg: "HMAC", hash: a.Hash, length: n, secret: b}}, nil
	case "AES-GCM", "AES-CBC", "AES-CTR", "AES-KW":
		n := 0
		if a.Length != nil {
			n = *a.Length
		}
		if n != 128 && n != 192 && n != 256 {
			return nil, opError("AES key length must be 128, 192 or 256 bits, not %d", n)
		}
		return []*cryptoKey{{typ: "secret", alg: a.Name, secret: randomBytes(n / 8)}}, nil
	case "ECDSA", "ECDH":
		curve, err := curveOf(a.NamedCurve)
		if err != nil {
			return nil, err
		}
		p, err := ecdsa.GenerateKey(curve, rand.Reader)
		if err != nil {
			return nil, opError("generating an EC key: %v", err)
		}
		return []*cryptoKey{
			{typ: "public", alg: a.Name, curve: a.NamedCurve, pub: &p.PublicKey},
			{typ: "private", alg: a.Name, curve: a.NamedCurve, priv: p},
		}, nil
	case "Ed25519":
		pub, priv, _ := ed25519.GenerateKey(rand.Reader)
		return []*cryptoKey{{typ: "public", alg: a.Name, pub: pub}, {typ: "private", alg: a.Name, priv: priv}}, nil
	case "X25519":
		priv, _ := ecdh.X25519().GenerateKey(rand.Reader)
		return []*cryptoKey{{typ: "public", alg: a.Name, pub: priv.PublicKey()}, {typ: "private", alg: a.Name, priv: priv}}, nil
	case "RSASSA-PKCS1-v1_5", "RSA-PSS", "RSA-OAEP":
		if _, ok := hashBlockBits[a.Hash]; !ok {
			return nil, notSupported("unrecognized hash %q", a.Hash)
		}
		return generateRSA(a)
	}
	return nil, notSupported("generateKey does not support %s", a.Name)
}

func sign(k *cryptoKey, a *algParams, data []byte) (any, error) {
	if k.typ != "private" && k.typ != "secret" {
		return nil, invalidAccess("sign needs a private or secret key, not a %s key", k.typ)
	}
	switch k.alg {
	case "HMAC":
		h, _, _ := hashFunc(k.hash)
		m := hmac.New(h, k.secret)
		m.Write(data)
		return m.Sum(nil), nil
	case "ECDSA":
		h, _, err := hashFunc(a.Hash)
		if err != nil {
			return nil, err
		}
		d := h()
		d.Write(data)
		r, s, err := ecdsa.Sign(rand.Reader, k.priv.(*ecdsa.PrivateKey), d.Sum(nil))
		if err != nil {
			return nil, opError("ECDSA signing failed: %v", err)
		}
		n := curveBytes(k.curve)
		out := make([]byte, 2*n)
		r.FillBytes(out[:n])
		s.FillBytes(out[n:])
		return out, nil
	case "Ed25519":
		return ed25519.Sign(k.priv.(ed25519.PrivateKey), data), nil
	case "RSASSA-PKCS1-v1_5", "RSA-PSS":
		return signRSA(k, a, data)
	}
	return nil, notSupported("sign does not support %s", k.alg)
}

func verify(k *cryptoKey, a *algParams, sig, data []byte) (any, error) {
	if k.typ != "public" && k.typ != "secret" {
		return nil, invalidAccess("verify needs a public or secret key, not a %s key", k.typ)
	}
	switch k.alg {
	case "HMAC":
		h, _, _ := hashFunc(k.hash)
		m := hmac.New(h, k.secret)
		m.Write(data)
		return hmac.Equal(m.Sum(nil), sig), nil
	case "ECDSA":
		h, _, err := hashFunc(a.Hash)
		if err != nil {
			return nil, err
		}
		n := curveBytes(k.curve)
		if len(sig) != 2*n {
			return false, nil
		}
		d := h()
		d.Write(data)
		r := new(big.Int).SetBytes(sig[:n])
		s := new(big.Int).SetBytes(sig[n:])
		return ecdsa.Verify(k.pub.(*ecdsa.PublicKey), d.Sum(nil), r, s), nil
	case "Ed25519":
		if len(sig) != ed25519.SignatureSize {
			return false, nil
		}
		return ed25519.Verify(k.pub.(ed25519.PublicKey), data, sig), nil
	case "RSASSA-PKCS1-v1_5", "RSA-PSS":
		return verifyRSA(k, a, sig, data)
	}
	return nil, notSupported("verify does not support %s", k.alg)
}

func (r *subtleReq) encrypt(k *cryptoKey, enc bool) (any, error) {
	data := r.bufs["data"]
	if k.alg == "AES-KW" {
		if r.Op != "wrapKey" && r.Op != "unwrapKey" {
			return nil, notSupported("AES-KW only wraps and unwraps keys")
		}
		if enc {
			return aesKeyWrap(k.secret, data)
		}
		return aesKeyUnwrap(k.secret, data)
	}
	switch k.alg {
	case "AES-GCM", "AES-CBC", "AES-CTR":
		block, err := aes.NewCipher(k.secret)
		if err != nil {
			return nil, opError("AES: %v", err)
		}
		switch k.alg {
		case "AES-GCM":
			return aesGCM(block, r, enc)
		case "AES-CBC":
			return aesCBC(block, r.bufs["iv"], data, enc)
		default:
			n := 0
			if r.Alg.Length != nil {
				n = *r.Alg.Length
			}
			return aesCTR(block, r.bufs["counter"], n, data)
		}
	case "RSA-OAEP":
		return oaep(k, r.bufs["label"], data, enc)
	}
	return nil, notSupported("%s does not support %s", r.Op, k.alg)
}

func aesGCM(block cipher.Block, r *subtleReq, enc bool) (any, error) {
	iv, data, aad := r.bufs["iv"], r.bufs["data"], r.bufs["additionalData"]
	tag := 128
	if r.Alg.TagLength != nil {
		tag = *r.Alg.TagLength
	}
	switch tag {
	case 32, 64, 96, 104, 112, 120, 128:
	default:
		return nil, opError("AES-GCM tagLength must be 32, 64, 96, 104, 112, 120 or 128, not %d", tag)
	}
	if len(iv) == 0 {
		return nil, opError("AES-GCM iv must not be empty")
	}
	// Go's GCM takes any iv length but only 96- to 128-bit tags, and not
	// both at once. A shorter tag is the full one truncated (SP 800-38D,
	// 7.1), so seal with the full tag and cut it; to open, recover the
	// plaintext with the keystream (sealing the ciphertext XORs it back),
	// then seal that and compare the truncated tags in constant time.
	var g cipher.AEAD
	var err error
	if len(iv) == 12 {
		g, err = cipher.NewGCM(block)
	} else {
		g, err = cipher.NewGCMWithNonceSize(block, len(iv))
	}
	if err != nil {
		return nil, opError("AES-GCM: %v", err)
	}
	t := tag / 8
	if enc {
		out := g.Seal(nil, iv, data, aad)
		return out[:len(data)+t], nil
	}
	if len(data) < t {
		return nil, opError("AES-GCM ciphertext is shorter than its %d-bit tag", tag)
	}
	if t == 16 {
		out, err := g.Open(nil, iv, data, aad)
		if err != nil {
			return nil, opError("AES-GCM decryption failed: the data or its tag is wrong")
		}
		return out, nil
	}
	ct, gotTag := data[:len(data)-t], data[len(data)-t:]
	plain := g.Seal(nil, iv, ct, nil)[:len(ct)]
	check := g.Seal(nil, iv, plain, aad)
	if subtle.ConstantTimeCompare(check[len(ct):len(ct)+t], gotTag) != 1 {
		return nil, opError("AES-GCM decryption failed: the data or its tag is wrong")
	}
	return plain, nil
}

func aesCBC(block cipher.Block, iv, data []byte, enc bool) (any, error) {
	if len(iv) != 16 {
		return nil, opError("AES-CBC iv must be 16 bytes, not %d", len(iv))
	}
	if enc {
		pad := 16 - len(data)%16
		buf := make([]byte, len(data)+pad)
		copy(buf, data)
		for i := len(data); i < len(buf); i++ {
			buf[i] = byte(pad)
		}
		cipher.NewCBCEncrypter(block, iv).CryptBlocks(buf, buf)
		return buf, nil
	}
	if len(data) == 0 || len(data)%16 != 0 {
		return nil, opError("AES-CBC ciphertext length %d is not a positive multiple of 16", len(data))
	}
	buf := make([]byte, len(data))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(buf, data)
	pad := int(buf[len(buf)-1])
	if pad == 0 || pad > 16 {
		return nil, opError("AES-CBC decryption failed: bad padding")
	}
	bad := 0
	for _, b := range buf[len(buf)-pad:] {
		bad |= subtle.ConstantTimeByteEq(b, byte(pad)) ^ 1
	}
	if bad != 0 {
		return nil, opError("AES-CBC decryption failed: bad padding")
	}
	return buf[:len(buf)-pad], nil
}

// aesCTR runs AES-CTR as WebCrypto defines it: only the rightmost length
// bits of the counter block count, wrapping around, and a message that
// would reuse a counter value is refused.
func aesCTR(block cipher.Block, counter []byte, length int, data []byte) (any, error) {
	if len(counter) != 16 {
		return nil, opError("AES-CTR counter must be 16 bytes, not %d", len(counter))
	}
	if length <= 0 || length > 128 {
		return nil, opError("AES-CTR length must be between 1 and 128, not %d", length)
	}
	blocks := (len(data) + 15) / 16
	if length < 64 && uint64(blocks) > uint64(1)<<length {
		return nil, opError("AES-CTR: %d blocks would repeat a %d-bit counter", blocks, length)
	}
	ctr := new(big.Int).SetBytes(counter)
	mod := new(big.Int).Lsh(big.NewInt(1), uint(length))
	fixed := new(big.Int).Sub(ctr, new(big.Int).Mod(ctr, mod))
	low := new(big.Int).Mod(ctr, mod)
	one := big.NewInt(1)
	out := make([]byte, len(data))
	var cb, ks [16]byte
	for i := 0; i < len(data); i += 16 {
		new(big.Int).Add(fixed, low).FillBytes(cb[:])
		block.Encrypt(ks[:], cb[:])
		end := min(i+16, len(data))
		subtle.XORBytes(out[i:end], data[i:end], ks[:end-i])
		low.Add(low, one)
		if low.Cmp(mod) == 0 {
			low.SetInt64(0)
		}
	}
	return out, nil
}

// aesKeyWrap is RFC 3394, section 2.2.1.
func aesKeyWrap(kek, data []byte) (any, error) {
	if len(data) < 16 || len(data)%8 != 0 {
		return nil, opError("AES-KW needs a multiple of 8 bytes, at least 16, not %d", len(data))
	}
	block, err := aes.NewCipher(kek)
	if err != nil {
		return nil, opError("AES-KW: %v", err)
	}
	n := len(data) / 8
	out := make([]byte, len(data)+8)
	a := [8]byte{0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6}
	copy(out[8:], data)
	var b [16]byte
	for j := 0; j < 6; j++ {
		for i := 1; i <= n; i++ {
			copy(b[:8], a[:])
			copy(b[8:], out[8*i:8*i+8])
			block.Encrypt(b[:], b[:])
			t := uint64(n*j + i)
			binary.BigEndian.PutUint64(a[:], binary.BigEndian.Uint64(b[:8])^t)
			copy(out[8*i:], b[8:])
		}
	}
	copy(out[:8], a[:])
	return out, nil
}

// aesKeyUnwrap is RFC 3394, section 2.2.2, with the integrity check of 2.2.3.
func aesKeyUnwrap(kek, data []byte) (any, error) {
	if len(data) < 24 || len(data)%8 != 0 {
		return nil, opError("AES-KW wrapped data must be a multiple of 8 bytes, at least 24, not %d", len(data))
	}
	block, err := aes.NewCipher(kek)
	if err != nil {
		return nil, opError("AES-KW: %v", err)
	}
	n := len(data)/8 - 1
	out := make([]byte, n*8)
	copy(out, data[8:])
	var a [8]byte
	copy(a[:], data[:8])
	var b [16]byte
	for j := 5; j >= 0; j-- {
		for i := n; i >= 1; i-- {
			t := uint64(n*j + i)
			binary.BigEndian.PutUint64(b[:8], binary.BigEndian.Uint64(a[:])^t)
			copy(b[8:], out[8*(i-1):8*i])
			block.Decrypt(b[:], b[:])
			copy(a[:], b[:8])
			copy(out[8*(i-1):], b[8:])
		}
	}
	if subtle.ConstantTimeCompare(a[:], []byte{0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6}) != 1 {
		return nil, opError("AES-KW unwrap failed: integrity check")
	}
	return out, nil
}

func (r *subtleReq) deriveBits(s *keyStore, k *cryptoKey) (any, error) {
	switch k.alg {
	case "PBKDF2", "HKDF":
		if r.Length == nil || *r.Length%8 != 0 || *r.Length <= 0 {
			return nil, opError("%s length must be a positive multiple of 8", k.alg)
		}
		n := *r.Length / 8
		h, _, err := hashFunc(r.Alg.Hash)
		if err != nil {
			return nil, err
		}
		var out []byte
		if k.alg == "PBKDF2" {
			if r.Alg.Iterations <= 0 {
				return nil, opError("PBKDF2 iterations must be positive")
			}
			out, err = pbkdf2.Key(h, string(k.secret), r.bufs["salt"], r.Alg.Iterations, n)
		} else {
			out, err = hkdf.Key(h, k.secret, r.bufs["salt"], string(r.bufs["info"]), n)
		}
		if err != nil {
			return nil, opError("%s: %v", k.alg, err)
		}
		return out, nil
	case "ECDH", "X25519":
		if k.typ != "private" {
			return nil, invalidAccess("%s deriveBits needs a private key as baseKey", k.alg)
		}
		pk, err := s.get(r.Alg.Public)
		if err != nil {
			return nil, err
		}
		if pk.typ != "public" {
			return nil, invalidAccess("%s public must be a public key, not a %s key", k.alg, pk.typ)
		}
		if pk.alg != k.alg || pk.curve != k.curve {
			return nil, invalidAccess("%s public key is for %s %s, not %s %s", k.alg, pk.alg, pk.curve, k.alg, k.curve)
		}
		var secret []byte
		if k.alg == "ECDH" {
			priv, err1 := k.priv.(*ecdsa.PrivateKey).ECDH()
			pub, err2 := pk.pub.(*ecdsa.PublicKey).ECDH()
			if err1 != nil || err2 != nil {
				return nil, opError("ECDH: bad key")
			}
			secret, err = priv.ECDH(pub)
		} else {
			secret, err = k.priv.(*ecdh.PrivateKey).ECDH(pk.pub.(*ecdh.PublicKey))
		}
		if err != nil {
			return nil, opError("%s: %v", k.alg, err)
		}
		if r.Length == nil {
			return secret, nil
		}
		n := *r.Length
		if n > len(secret)*8 {
			return nil, opError("%s can derive at most %d bits, not %d", k.alg, len(secret)*8, n)
		}
		out := secret[:(n+7)/8]
		if n%8 != 0 {
			out[len(out)-1] &= 0xff << (8 - n%8)
		}
		return out, nil
	}
	return nil, notSupported("deriveBits does not support %s", k.alg)
}

// wrapKey exports the key Key2 in Format (a JWK as its JSON text) and
// encrypts that with the wrapping key k.
func (r *subtleReq) wrapKey(s *keyStore, k *cryptoKey) (any, error) {
	inner, err := s.get(r.Key2)
	if err != nil {
		return nil, err
	}
	out, err := r.exportKey(inner)
	if err != nil {
		return nil, err
	}
	b, ok := out.([]byte)
	if !ok {
		if b, err = json.Marshal(out); err != nil {
			return nil, err
		}
	}
	r.bufs["data"] = b
	return r.encrypt(k, true)
}

// unwrapKey decrypts the data with k and imports the result as a key of
// ImportAlg in Format.
func (r *subtleReq) unwrapKey(s *keyStore, k *cryptoKey) (any, error) {
	out, err := r.encrypt(k, false)
	if err != nil {
		return nil, err
	}
	plain := out.([]byte)
	sub := &subtleReq{Op: "importKey", Alg: r.ImportAlg, Format: r.Format, Extractable: r.Extractable, Usages: r.Usages, bufs: map[string][]byte{"data": plain}}
	if r.Format == "jwk" {
		if !json.Valid(plain) {
			return nil, dataError("the unwrapped data is not a JWK (not JSON)")
		}
		sub.JWK = plain
	}
	ik, err := sub.importKey()
	if err != nil {
		return nil, err
	}
	return addKeys(s, []*cryptoKey{ik}, r.Extractable), nil
}
