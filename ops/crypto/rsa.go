package crypto

import (
	"crypto/rand"
	"crypto/rsa"
	"math/big"
)

// RSA key sizes this package takes. Go's crypto/rsa (since Go 1.24)
// refuses to generate, sign, verify, encrypt or decrypt with keys under
// 1024 bits, which can be factored; the only way around that is a
// process-wide GODEBUG, which a worker must not get to set. So such keys
// are refused when they are generated or imported, with a message that
// says why, rather than failing (or, for verify, answering false) later.
// Above 16384 bits Chromium and workerd refuse to generate keys, and a
// bigger imported key would only make every operation slower.
const (
	rsaMinBits = 1024
	rsaMaxBits = 16384
)

// generateRSA makes an RSA key pair. The public exponent may be 65537 or
// 3, the two workerd generates with: rsa.GenerateKey makes the first,
// generateRSAWithExponent the second.
func generateRSA(a *algParams) ([]*cryptoKey, error) {
	if a.ModulusLength < rsaMinBits {
		return nil, opError("RSA modulusLength must be at least %d bits, not %d: Go's crypto/rsa refuses smaller keys as insecure (they can be factored)", rsaMinBits, a.ModulusLength)
	}
	if a.ModulusLength > rsaMaxBits {
		return nil, opError("RSA modulusLength must be at most %d bits, not %d", rsaMaxBits, a.ModulusLength)
	}
	if a.ModulusLength%8 != 0 {
		return nil, opError("RSA modulusLength must be a multiple of 8, not %d", a.ModulusLength)
	}
	e := 0
	for _, b := range a.PublicExponent {
		if e > 1<<23 {
			return nil, opError("RSA publicExponent must be 3 ([3]) or 65537 ([1, 0, 1]), not a number of %d bytes", len(a.PublicExponent))
		}
		e = e<<8 | int(b)
	}
	var priv *rsa.PrivateKey
	var err error
	switch e {
	case 65537:
		priv, err = rsa.GenerateKey(rand.Reader, a.ModulusLength)
	case 3:
		priv, err = generateRSAWithExponent(a.ModulusLength, e)
	default:
		return nil, opError("RSA publicExponent must be 3 ([3]) or 65537 ([1, 0, 1]), not %d", e)
	}
	if err != nil {
		return nil, opError("generating an RSA key: %v", err)
	}
	return []*cryptoKey{
		{typ: "public", alg: a.Name, hash: a.Hash, pub: &priv.PublicKey},
		{typ: "private", alg: a.Name, hash: a.Hash, priv: priv},
	}, nil
}

// generateRSAWithExponent makes a two-prime RSA key of bits bits with the
// public exponent e, which rsa.GenerateKey cannot (it always uses 65537).
// The primes come from crypto/rand.Prime, as they did in Go's own
// GenerateKey before Go 1.24, and are held to FIPS 186-5 appendix A.1.3:
// equal lengths with the top two bits set (so p, q > sqrt(2) 2^(bits/2-1)
// and n has exactly bits bits), e coprime to p-1 and q-1, |p - q| above
// 2^(bits/2-100), and d = e⁻¹ mod lcm(p-1, q-1) above 2^(bits/2). Then
// rsa.PrivateKey.Validate checks the key as it checks any imported one.
// Like rsa.GenerateKey, this is not constant time.
func generateRSAWithExponent(bits, e int) (*rsa.PrivateKey, error) {
	one := big.NewInt(1)
	bigE := big.NewInt(int64(e))
	half := bits / 2 // bits is a multiple of 8
	prime := func() (p, pm1 *big.Int, err error) {
		for {
			if p, err = rand.Prime(rand.Reader, half); err != nil {
				return nil, nil, err
			}
			pm1 = new(big.Int).Sub(p, one)
			if new(big.Int).GCD(nil, nil, bigE, pm1).Cmp(one) == 0 {
				return p, pm1, nil
			}
		}
	}
	minDiff := new(big.Int).Lsh(one, uint(half-100))
	minD := new(big.Int).Lsh(one, uint(half))
	for {
		p, pm1, err := prime()
		if err != nil {
			return nil, err
		}
		q, qm1, err := prime()
		if err != nil {
			return nil, err
		}
		if new(big.Int).Sub(p, q).CmpAbs(minDiff) <= 0 {
			continue
		}
		n := new(big.Int).Mul(p, q)
		if n.BitLen() != bits {
			continue
		}
		gcd := new(big.Int).GCD(nil, nil, pm1, qm1)
		lambda := new(big.Int).Mul(pm1, qm1)
		lambda.Quo(lambda, gcd)
		d := new(big.Int).ModInverse(bigE, lambda)
		if d == nil || d.Cmp(minD) <= 0 {
			continue
		}
		priv := &rsa.PrivateKey{PublicKey: rsa.PublicKey{N: n, E: e}, D: d, Primes: []*big.Int{p, q}}
		if err := priv.Validate(); err != nil {
			return nil, err
		}
		priv.Precompute()
		return priv, nil
	}
}

// checkRSAKey applies the checks every imported RSA key gets: the ones
// Go's crypto/rsa applies when the key is used (so that a key that cannot
// be used is refused at import, not at its first use) and the size limits
// above. Go's parsers take any exponent its operations take: odd, at
// least 3 and below 2^31 (so 3, 17 and 37 as well as 65537).
func checkRSAKey(pub *rsa.PublicKey) error {
	bits := pub.N.BitLen()
	if pub.N.Bit(0) == 0 {
		return dataError("the RSA modulus is even")
	}
	if pub.E < 3 || pub.E%2 == 0 {
		return dataError("the RSA public exponent must be odd and at least 3, not %d", pub.E)
	}
	if pub.E > 1<<31-1 {
		return notSupported("RSA public exponents must be below 2^31 (Go's crypto/rsa refuses larger ones), not %d", pub.E)
	}
	if bits < rsaMinBits {
		return notSupported("RSA keys must have at least %d bits, and this one has %d: Go's crypto/rsa refuses smaller keys as insecure (they can be factored)", rsaMinBits, bits)
	}
	if bits > rsaMaxBits {
		return notSupported("RSA keys must have at most %d bits, and this one has %d", rsaMaxBits, bits)
	}
	return nil
}

func signRSA(k *cryptoKey, a *algParams, data []byte) (any, error) {
	h, ch, _ := hashFunc(k.hash)
	d := h()
	d.Write(data)
	digest := d.Sum(nil)
	priv := k.priv.(*rsa.PrivateKey)
	if k.alg != "RSA-PSS" {
		sig, err := rsa.SignPKCS1v15(nil, priv, ch, digest)
		if err != nil {
			return nil, opError("%s signing failed: %v", k.alg, err)
		}
		return sig, nil
	}
	// Checked here, before Go allocates and fills a salt of up to 4 GiB
	// (saltLength is an unsigned long) only to fail.
	if a.SaltLength < 0 {
		return nil, opError("RSA-PSS saltLength must not be negative")
	}
	if limit := pssMaxSaltLength(priv.N.BitLen(), ch.Size()); a.SaltLength > limit {
		return nil, opError("RSA-PSS saltLength %d is too long: a %d-bit key with %s takes at most %d", a.SaltLength, priv.N.BitLen(), k.hash, limit)
	}
	if a.SaltLength == 0 {
		crt, err := k.rsaCRT.get(priv)
		if err != nil {
			return nil, opError("RSA-PSS signing failed: %v", err)
		}
		sig, err := signPSSWithSalt(priv, crt, digest, nil, h)
		if err != nil {
			return nil, opError("RSA-PSS signing failed: %v", err)
		}
		return sig, nil
	}
	sig, err := rsa.SignPSS(rand.Reader, priv, ch, digest, &rsa.PSSOptions{SaltLength: a.SaltLength, Hash: ch})
	if err != nil {
		return nil, opError("RSA-PSS signing failed: %v", err)
	}
	return sig, nil
}

// verifyRSA verifies a signature. For RSA-PSS the salt must have exactly
// saltLength bytes: rsa.VerifyPSS with a positive SaltLength checks that
// (RFC 8017, 9.1.2 step 10), and verifyPSSNoSalt does for 0. A saltLength
// too long for the key makes every signature invalid (false, per the
// spec's "inconsistent"), not an error.
func verifyRSA(k *cryptoKey, a *algParams, sig, data []byte) (any, error) {
	h, ch, _ := hashFunc(k.hash)
	d := h()
	d.Write(data)
	digest := d.Sum(nil)
	pub := k.pub.(*rsa.PublicKey)
	if k.alg != "RSA-PSS" {
		return rsa.VerifyPKCS1v15(pub, ch, digest, sig) == nil, nil
	}
	if a.SaltLength < 0 {
		return nil, opError("RSA-PSS saltLength must not be negative")
	}
	if a.SaltLength == 0 {
		return verifyPSSNoSalt(pub, ch, h, digest, sig), nil
	}
	return rsa.VerifyPSS(pub, ch, digest, sig, &rsa.PSSOptions{SaltLength: a.SaltLength, Hash: ch}) == nil, nil
}

func oaep(k *cryptoKey, label, data []byte, enc bool) (any, error) {
	h, _, _ := hashFunc(k.hash)
	if enc {
		if k.typ != "public" {
			return nil, invalidAccess("RSA-OAEP encrypt needs a public key, not a %s key", k.typ)
		}
		out, err := rsa.EncryptOAEP(h(), rand.Reader, k.pub.(*rsa.PublicKey), data, label)
		if err != nil {
			return nil, opError("RSA-OAEP encryption failed: %v", err)
		}
		return out, nil
	}
	if k.typ != "private" {
		return nil, invalidAccess("RSA-OAEP decrypt needs a private key, not a %s key", k.typ)
	}
	out, err := rsa.DecryptOAEP(h(), nil, k.priv.(*rsa.PrivateKey), data, label)
	if err != nil {
		return nil, opError("RSA-OAEP decryption failed")
	}
	return out, nil
}
