package crypto

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"hash"
	"math/big"
	"sync"

	"filippo.io/bigmod"
)

// RSA-PSS with saltLength 0. Go's crypto/rsa reads PSSOptions.SaltLength 0
// as "as long as the key allows" and has no way to ask for an empty salt,
// which WebCrypto allows and which makes a signature deterministic. So for
// that one case this file does the EMSA-PSS encoding (RFC 8017, 9.1.1)
// and the RSA private-key operation itself; every other salt length goes
// through rsa.SignPSS and rsa.VerifyPSS.

// errPSSEncoding is RFC 8017's "encoding error": the key is too short for
// the hash and salt.
var errPSSEncoding = errors.New("the key is too short for this hash and salt length")

// pssMaxSaltLength is the longest salt EMSA-PSS fits in a key of modBits
// bits with a hash of hLen bytes (RFC 8017, 9.1.1 step 3: emLen >= hLen +
// sLen + 2, with emLen the bytes of modBits - 1 bits).
func pssMaxSaltLength(modBits, hLen int) int {
	return (modBits-1+7)/8 - hLen - 2
}

// mgf1XOR XORs MGF1(seed, len(out)) (RFC 8017, B.2.1) into out.
func mgf1XOR(out []byte, newHash func() hash.Hash, seed []byte) {
	h := newHash()
	var counter [4]byte
	for i := uint32(0); len(out) > 0; i++ {
		binary.BigEndian.PutUint32(counter[:], i)
		h.Reset()
		h.Write(seed)
		h.Write(counter[:])
		n := subtle.XORBytes(out, out, h.Sum(nil))
		out = out[n:]
	}
}

// emsaPSSEncode is EMSA-PSS-ENCODE (RFC 8017, 9.1.1) of the digest mHash
// with the given salt, for an encoded message of emBits bits, MGF1 with
// the same hash.
func emsaPSSEncode(mHash, salt []byte, emBits int, newHash func() hash.Hash) ([]byte, error) {
	hLen, sLen := len(mHash), len(salt)
	emLen := (emBits + 7) / 8
	if emLen < hLen+sLen+2 {
		return nil, errPSSEncoding
	}
	// H = Hash(0x00 x 8 || mHash || salt)
	h := newHash()
	h.Write(make([]byte, 8))
	h.Write(mHash)
	h.Write(salt)
	sum := h.Sum(nil)
	// EM = maskedDB || H || 0xbc, where DB = PS (zeros) || 0x01 || salt
	// and maskedDB = DB xor MGF1(H), its leftmost 8*emLen - emBits bits
	// cleared so that EM, as a number, is below the modulus.
	em := make([]byte, emLen)
	dbLen := emLen - hLen - 1
	db := em[:dbLen]
	db[dbLen-sLen-1] = 0x01
	copy(db[dbLen-sLen:], salt)
	mgf1XOR(db, newHash, sum)
	db[0] &= 0xff >> (8*emLen - emBits)
	copy(em[dbLen:], sum)
	em[emLen-1] = 0xbc
	return em, nil
}

// rsaCRT is a private key in the form bigmod computes with: the moduli
// and CRT exponents, made once per key (NewModulus precomputes Montgomery
// constants).
type rsaCRT struct {
	n      *bigmod.Modulus
	e      uint
	p, q   *bigmod.Modulus // nil for a key with more than two primes
	dp, dq []byte
	qInv   *bigmod.Nat // q⁻¹ mod p
	qModN  *bigmod.Nat // q as a number mod n
	d      []byte      // only when p is nil
}

func newRSACRT(priv *rsa.PrivateKey) (*rsaCRT, error) {
	n, err := bigmod.NewModulus(priv.N.Bytes())
	if err != nil {
		return nil, err
	}
	k := &rsaCRT{n: n, e: uint(priv.E)}
	pc := &priv.Precomputed
	if len(priv.Primes) != 2 || pc.Dp == nil || pc.Dq == nil || pc.Qinv == nil {
		// Multi-prime keys (deprecated, and rejected by Go's parsers):
		// one constant-time exponentiation by d, without CRT.
		k.d = priv.D.Bytes()
		return k, nil
	}
	if k.p, err = bigmod.NewModulus(priv.Primes[0].Bytes()); err != nil {
		return nil, err
	}
	if k.q, err = bigmod.NewModulus(priv.Primes[1].Bytes()); err != nil {
		return nil, err
	}
	if k.qInv, err = bigmod.NewNat().SetBytes(pc.Qinv.Bytes(), k.p); err != nil {
		return nil, err
	}
	k.qModN = bigmod.NewNat().Mod(k.q.Nat(), n)
	k.dp, k.dq = pc.Dp.Bytes(), pc.Dq.Bytes()
	return k, nil
}

// signRaw is RSASP1 (RFC 8017, 5.2.1): em^d mod n, in constant time
// (bigmod), with the CRT. The result is checked with the public exponent
// before it is returned, as crypto/rsa does, so that a fault during the
// computation (which with the CRT would give away a factor of n) never
// leaves this function.
func (k *rsaCRT) signRaw(em []byte) ([]byte, error) {
	m, err := bigmod.NewNat().SetBytes(em, k.n)
	if err != nil {
		return nil, errors.New("the encoded message is not below the modulus")
	}
	var s *bigmod.Nat
	if k.p == nil {
		s = bigmod.NewNat().Exp(m, k.d, k.n)
	} else {
		t := bigmod.NewNat()
		sp := bigmod.NewNat().Exp(t.Mod(m, k.p), k.dp, k.p) // m^dp mod p
		sq := bigmod.NewNat().Exp(t.Mod(m, k.q), k.dq, k.q) // m^dq mod q
		// Garner's recombination: h = qInv (sp - sq) mod p, s = sq + h q.
		// sq + h q < q + (p - 1) q = n, so the reductions mod n are exact.
		h := sp.Sub(t.Mod(sq, k.p), k.p).Mul(k.qInv, k.p)
		s = h.ExpandFor(k.n).Mul(k.qModN, k.n).Add(sq.ExpandFor(k.n), k.n)
	}
	if bigmod.NewNat().ExpShortVarTime(s, k.e, k.n).Equal(m) != 1 {
		return nil, errors.New("the signature failed its check with the public key (a fault in the computation)")
	}
	return s.Bytes(k.n), nil
}

// rsaCRTCache holds a private RSA key's rsaCRT, made on first use.
type rsaCRTCache struct {
	once sync.Once
	k    *rsaCRT
	err  error
}

func (c *rsaCRTCache) get(priv *rsa.PrivateKey) (*rsaCRT, error) {
	c.once.Do(func() { c.k, c.err = newRSACRT(priv) })
	return c.k, c.err
}

// signPSSWithSalt is RSASSA-PSS-SIGN (RFC 8017, 8.1.1) of a digest with
// the given salt (empty for WebCrypto's saltLength 0).
func signPSSWithSalt(priv *rsa.PrivateKey, crt *rsaCRT, digest, salt []byte, newHash func() hash.Hash) ([]byte, error) {
	em, err := emsaPSSEncode(digest, salt, priv.N.BitLen()-1, newHash)
	if err != nil {
		return nil, err
	}
	return crt.signRaw(em)
}

// verifyPSSNoSalt reports whether sig is an RSASSA-PSS signature of the
// digest with an empty salt. rsa.VerifyPSS, told to detect the salt
// length, does the cryptographic check; it accepts any salt length, so
// the signature is then opened with the public key (nothing secret is
// involved) and its encoded message compared with the one encoding
// without a salt gives: EMSA-PSS with an empty salt is deterministic.
func verifyPSSNoSalt(pub *rsa.PublicKey, ch crypto.Hash, newHash func() hash.Hash, digest, sig []byte) bool {
	if rsa.VerifyPSS(pub, ch, digest, sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto}) != nil {
		return false
	}
	emBits := pub.N.BitLen() - 1
	want, err := emsaPSSEncode(digest, nil, emBits, newHash)
	if err != nil {
		return false
	}
	s := new(big.Int).SetBytes(sig)
	if s.Cmp(pub.N) >= 0 {
		return false
	}
	m := s.Exp(s, big.NewInt(int64(pub.E)), pub.N)
	if m.BitLen() > 8*len(want) {
		return false
	}
	return bytes.Equal(m.FillBytes(make([]byte, len(want))), want)
}
