package crypto

import (
	"crypto/rand"
	"crypto/rsa"
)

// generateRSA makes an RSA key pair. Go's crypto/rsa always uses the
// public exponent 65537, so that is the only one accepted.
func generateRSA(a *algParams) ([]*cryptoKey, error) {
	if a.ModulusLength < 1024 || a.ModulusLength > 16384 {
		return nil, opError("RSA modulusLength must be between 1024 and 16384, not %d", a.ModulusLength)
	}
	if a.ModulusLength%8 != 0 {
		return nil, opError("RSA modulusLength must be a multiple of 8, not %d", a.ModulusLength)
	}
	e := 0
	for _, b := range a.PublicExponent {
		if e > 1<<23 {
			return nil, opError("RSA publicExponent is too large")
		}
		e = e<<8 | int(b)
	}
	if e != 65537 {
		return nil, opError("RSA publicExponent must be 65537 ([1, 0, 1]), not %d", e)
	}
	priv, err := rsa.GenerateKey(rand.Reader, a.ModulusLength)
	if err != nil {
		return nil, opError("generating an RSA key: %v", err)
	}
	return []*cryptoKey{
		{typ: "public", alg: a.Name, hash: a.Hash, pub: &priv.PublicKey},
		{typ: "private", alg: a.Name, hash: a.Hash, priv: priv},
	}, nil
}

func signRSA(k *cryptoKey, a *algParams, data []byte) (any, error) {
	h, ch, _ := hashFunc(k.hash)
	d := h()
	d.Write(data)
	priv := k.priv.(*rsa.PrivateKey)
	var sig []byte
	var err error
	if k.alg == "RSA-PSS" {
		if a.SaltLength <= 0 {
			return nil, notSupported("RSA-PSS with saltLength 0 is not supported (Go's crypto/rsa reads 0 as \"auto\")")
		}
		sig, err = rsa.SignPSS(rand.Reader, priv, ch, d.Sum(nil), &rsa.PSSOptions{SaltLength: a.SaltLength, Hash: ch})
	} else {
		sig, err = rsa.SignPKCS1v15(nil, priv, ch, d.Sum(nil))
	}
	if err != nil {
		return nil, opError("%s signing failed: %v", k.alg, err)
	}
	return sig, nil
}

func verifyRSA(k *cryptoKey, a *algParams, sig, data []byte) (any, error) {
	h, ch, _ := hashFunc(k.hash)
	d := h()
	d.Write(data)
	pub := k.pub.(*rsa.PublicKey)
	if k.alg == "RSA-PSS" {
		if a.SaltLength < 0 {
			return nil, opError("RSA-PSS saltLength must not be negative")
		}
		if a.SaltLength == 0 {
			return nil, notSupported("RSA-PSS with saltLength 0 is not supported (Go's crypto/rsa reads 0 as \"auto\")")
		}
		opts := &rsa.PSSOptions{SaltLength: a.SaltLength, Hash: ch}
		return rsa.VerifyPSS(pub, ch, d.Sum(nil), sig, opts) == nil, nil
	}
	return rsa.VerifyPKCS1v15(pub, ch, d.Sum(nil), sig) == nil, nil
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
