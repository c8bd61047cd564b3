package crypto

import (
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"slices"
	"strconv"
)

// jwk is a JSON Web Key (RFC 7517) with the members WebCrypto uses.
type jwk struct {
	Kty    string   `json:"kty"`
	Use    string   `json:"use,omitempty"`
	KeyOps []string `json:"key_ops,omitempty"`
	Alg    string   `json:"alg,omitempty"`
	Ext    *bool    `json:"ext,omitempty"`
	Crv    string   `json:"crv,omitempty"`
	X      string   `json:"x,omitempty"`
	Y      string   `json:"y,omitempty"`
	D      string   `json:"d,omitempty"`
	N      string   `json:"n,omitempty"`
	E      string   `json:"e,omitempty"`
	P      string   `json:"p,omitempty"`
	Q      string   `json:"q,omitempty"`
	DP     string   `json:"dp,omitempty"`
	DQ     string   `json:"dq,omitempty"`
	QI     string   `json:"qi,omitempty"`
	K      string   `json:"k,omitempty"`
}

var b64 = base64.RawURLEncoding

func b64dec(field, s string) ([]byte, error) {
	b, err := b64.DecodeString(s)
	if err != nil {
		return nil, dataError("JWK member %q is not base64url: %v", field, err)
	}
	return b, nil
}

// jwkAlg is the JWK "alg" value (RFC 7518) WebCrypto expects for a key.
func jwkAlg(alg, hash string) string {
	suffix := map[string]string{"SHA-1": "1", "SHA-256": "256", "SHA-384": "384", "SHA-512": "512"}[hash]
	switch alg {
	case "HMAC":
		return "HS" + suffix
	case "RSASSA-PKCS1-v1_5":
		return "RS" + suffix
	case "RSA-PSS":
		return "PS" + suffix
	case "RSA-OAEP":
		if hash == "SHA-1" {
			return "RSA-OAEP"
		}
		return "RSA-OAEP-" + suffix
	case "Ed25519":
		return "Ed25519"
	}
	return ""
}

func aesJWKAlg(alg string, bytes int) string {
	f := map[string]string{"AES-GCM": "GCM", "AES-CBC": "CBC", "AES-CTR": "CTR", "AES-KW": "KW"}[alg]
	return "A" + strconv.Itoa(bytes*8) + f
}

func (r *subtleReq) importKey() (*cryptoKey, error) {
	a := &r.Alg
	switch a.Name {
	case "HMAC", "AES-GCM", "AES-CBC", "AES-CTR", "AES-KW", "PBKDF2", "HKDF":
		var raw []byte
		switch r.Format {
		case "raw":
			raw = r.bufs["data"]
		case "jwk":
			if a.Name == "PBKDF2" || a.Name == "HKDF" {
				return nil, notSupported("%s keys cannot be imported as jwk", a.Name)
			}
			j, err := r.parseJWK("oct")
			if err != nil {
				return nil, err
			}
			if raw, err = b64dec("k", j.K); err != nil {
				return nil, err
			}
			want := ""
			if a.Name == "HMAC" {
				want = jwkAlg("HMAC", a.Hash)
			} else {
				want = aesJWKAlg(a.Name, len(raw))
			}
			if j.Alg != "" && j.Alg != want {
				return nil, dataError("JWK alg %q does not match %s (want %q)", j.Alg, a.Name, want)
			}
		default:
			return nil, notSupported("%s keys cannot be imported as %s", a.Name, r.Format)
		}
		k := &cryptoKey{typ: "secret", alg: a.Name, secret: raw}
		switch a.Name {
		case "HMAC":
			if _, ok := hashBlockBits[a.Hash]; !ok {
				return nil, notSupported("unrecognized hash %q", a.Hash)
			}
			if len(raw) == 0 {
				return nil, dataError("HMAC key data is empty")
			}
			k.hash, k.length = a.Hash, len(raw)*8
			if a.Length != nil {
				if *a.Length > k.length || *a.Length <= k.length-8 {
					return nil, dataError("HMAC length %d does not fit %d bytes of key data", *a.Length, len(raw))
				}
				k.length = *a.Length
			}
		case "PBKDF2", "HKDF":
		default:
			if n := len(raw); n != 16 && n != 24 && n != 32 {
				return nil, dataError("AES key data must be 16, 24 or 32 bytes, not %d", n)
			}
		}
		return k, nil
	case "ECDSA", "ECDH":
		return r.importEC()
	case "Ed25519", "X25519":
		return r.importOKP()
	case "RSASSA-PKCS1-v1_5", "RSA-PSS", "RSA-OAEP":
		return r.importRSA()
	}
	return nil, notSupported("importKey does not support %s", a.Name)
}

// parseJWK decodes the jwk and applies WebCrypto's common checks: kty, use,
// key_ops and ext.
func (r *subtleReq) parseJWK(kty string) (*jwk, error) {
	var j jwk
	if err := json.Unmarshal(r.JWK, &j); err != nil {
		return nil, dataError("bad JWK: %v", err)
	}
	if j.Kty != kty {
		return nil, dataError("JWK kty must be %q, not %q", kty, j.Kty)
	}
	if j.Use != "" && len(r.Usages) > 0 {
		want := "enc"
		switch r.Alg.Name {
		case "HMAC", "ECDSA", "Ed25519", "RSASSA-PKCS1-v1_5", "RSA-PSS":
			want = "sig"
		}
		if j.Use != want {
			return nil, dataError("JWK use must be %q for %s, not %q", want, r.Alg.Name, j.Use)
		}
	}
	if j.KeyOps != nil {
		for _, u := range r.Usages {
			if !slices.Contains(j.KeyOps, u) {
				return nil, dataError("JWK key_ops does not allow %q", u)
			}
		}
	}
	if j.Ext != nil && !*j.Ext && r.Extractable {
		return nil, dataError("JWK ext is false, so the key cannot be imported as extractable")
	}
	return &j, nil
}

func (r *subtleReq) importEC() (*cryptoKey, error) {
	a := &r.Alg
	curve, err := curveOf(a.NamedCurve)
	if err != nil {
		return nil, err
	}
	k := &cryptoKey{alg: a.Name, curve: a.NamedCurve}
	data := r.bufs["data"]
	switch r.Format {
	case "raw":
		if len(data) > 0 && (data[0] == 2 || data[0] == 3) {
			// A compressed point (SEC 1, 2.3.3), which WebCrypto's raw
			// import takes too; crypto/ecdsa parses only uncompressed ones.
			x, y := elliptic.UnmarshalCompressed(curve, data)
			if x == nil {
				return nil, dataError("raw %s public key: not a point on the curve", a.NamedCurve)
			}
			n := curveBytes(a.NamedCurve)
			data = make([]byte, 1+2*n)
			data[0] = 4
			x.FillBytes(data[1 : 1+n])
			y.FillBytes(data[1+n:])
		}
		pub, err := ecdsa.ParseUncompressedPublicKey(curve, data)
		if err != nil {
			return nil, dataError("raw %s public key: %v", a.NamedCurve, err)
		}
		k.typ, k.pub = "public", pub
	case "spki":
		p, err := x509.ParsePKIXPublicKey(data)
		if err != nil {
			return nil, dataError("spki: %v", err)
		}
		pub, ok := p.(*ecdsa.PublicKey)
		if !ok {
			return nil, dataError("spki holds a %T, not an EC public key", p)
		}
		if curveName(pub.Curve) != a.NamedCurve {
			return nil, dataError("spki key is on %s, not %s", curveName(pub.Curve), a.NamedCurve)
		}
		k.typ, k.pub = "public", pub
	case "pkcs8":
		p, err := x509.ParsePKCS8PrivateKey(data)
		if err != nil {
			return nil, dataError("pkcs8: %v", err)
		}
		priv, ok := p.(*ecdsa.PrivateKey)
		if !ok {
			return nil, dataError("pkcs8 holds a %T, not an EC private key", p)
		}
		if curveName(priv.Curve) != a.NamedCurve {
			return nil, dataError("pkcs8 key is on %s, not %s", curveName(priv.Curve), a.NamedCurve)
		}
		k.typ, k.priv = "private", priv
	case "jwk":
		j, err := r.parseJWK("EC")
		if err != nil {
			return nil, err
		}
		if j.Crv != a.NamedCurve {
			return nil, dataError("JWK crv %q does not match namedCurve %q", j.Crv, a.NamedCurve)
		}
		if a.Name == "ECDSA" && j.Alg != "" {
			want := map[string]string{"P-256": "ES256", "P-384": "ES384", "P-521": "ES512"}[a.NamedCurve]
			if j.Alg != want {
				return nil, dataError("JWK alg %q does not match %s (want %q)", j.Alg, a.NamedCurve, want)
			}
		}
		x, err := b64dec("x", j.X)
		if err != nil {
			return nil, err
		}
		y, err := b64dec("y", j.Y)
		if err != nil {
			return nil, err
		}
		n := curveBytes(a.NamedCurve)
		if len(x) != n || len(y) != n {
			return nil, dataError("JWK x and y must be %d bytes for %s", n, a.NamedCurve)
		}
		pub, err := ecdsa.ParseUncompressedPublicKey(curve, append(append([]byte{4}, x...), y...))
		if err != nil {
			return nil, dataError("JWK public point: %v", err)
		}
		if j.D == "" {
			k.typ, k.pub = "public", pub
			break
		}
		d, err := b64dec("d", j.D)
		if err != nil {
			return nil, err
		}
		if len(d) != n {
			return nil, dataError("JWK d must be %d bytes for %s", n, a.NamedCurve)
		}
		priv, err := ecdsa.ParseRawPrivateKey(curve, d)
		if err != nil {
			return nil, dataError("JWK d: %v", err)
		}
		if !priv.PublicKey.Equal(pub) {
			return nil, dataError("JWK d does not match x and y")
		}
		k.typ, k.priv = "private", priv
	default:
		return nil, notSupported("%s keys cannot be imported as %s", a.Name, r.Format)
	}
	return k, nil
}

func (r *subtleReq) importOKP() (*cryptoKey, error) {
	a := &r.Alg
	k := &cryptoKey{alg: a.Name}
	data := r.bufs["data"]
	setPub := func(b []byte) error {
		if a.Name == "Ed25519" {
			if len(b) != ed25519.PublicKeySize {
				return dataError("Ed25519 public key must be 32 bytes, not %d", len(b))
			}
			k.typ, k.pub = "public", ed25519.PublicKey(b)
			return nil
		}
		pub, err := ecdh.X25519().NewPublicKey(b)
		if err != nil {
			return dataError("X25519 public key: %v", err)
		}
		k.typ, k.pub = "public", pub
		return nil
	}
	switch r.Format {
	case "raw":
		if err := setPub(data); err != nil {
			return nil, err
		}
	case "spki":
		p, err := x509.ParsePKIXPublicKey(data)
		if err != nil {
			return nil, dataError("spki: %v", err)
		}
		switch pub := p.(type) {
		case ed25519.PublicKey:
			if a.Name == "Ed25519" {
				k.typ, k.pub = "public", pub
				return k, nil
			}
		case *ecdh.PublicKey:
			if a.Name == "X25519" && pub.Curve() == ecdh.X25519() {
				k.typ, k.pub = "public", pub
				return k, nil
			}
		}
		return nil, dataError("spki holds a %T, not an %s public key", p, a.Name)
	case "pkcs8":
		p, err := x509.ParsePKCS8PrivateKey(data)
		if err != nil {
			return nil, dataError("pkcs8: %v", err)
		}
		switch priv := p.(type) {
		case ed25519.PrivateKey:
			if a.Name == "Ed25519" {
				k.typ, k.priv = "private", priv
				return k, nil
			}
		case *ecdh.PrivateKey:
			if a.Name == "X25519" && priv.Curve() == ecdh.X25519() {
				k.typ, k.priv = "private", priv
				return k, nil
			}
		}
		return nil, dataError("pkcs8 holds a %T, not an %s private key", p, a.Name)
	case "jwk":
		j, err := r.parseJWK("OKP")
		if err != nil {
			return nil, err
		}
		if j.Crv != a.Name {
			return nil, dataError("JWK crv must be %q, not %q", a.Name, j.Crv)
		}
		if a.Name == "Ed25519" && j.Alg != "" && j.Alg != "Ed25519" && j.Alg != "EdDSA" {
			return nil, dataError("JWK alg must be \"Ed25519\" or \"EdDSA\", not %q", j.Alg)
		}
		x, err := b64dec("x", j.X)
		if err != nil {
			return nil, err
		}
		if err := setPub(x); err != nil {
			return nil, err
		}
		if j.D == "" {
			return k, nil
		}
		d, err := b64dec("d", j.D)
		if err != nil {
			return nil, err
		}
		if len(d) != 32 {
			return nil, dataError("JWK d must be 32 bytes, not %d", len(d))
		}
		if a.Name == "Ed25519" {
			priv := ed25519.NewKeyFromSeed(d)
			if !priv.Public().(ed25519.PublicKey).Equal(k.pub) {
				return nil, dataError("JWK d does not match x")
			}
			k.typ, k.priv, k.pub = "private", priv, nil
		} else {
			priv, err := ecdh.X25519().NewPrivateKey(d)
			if err != nil {
				return nil, dataError("JWK d: %v", err)
			}
			if !priv.PublicKey().Equal(k.pub) {
				return nil, dataError("JWK d does not match x")
			}
			k.typ, k.priv, k.pub = "private", priv, nil
		}
	default:
		return nil, notSupported("%s keys cannot be imported as %s", a.Name, r.Format)
	}
	return k, nil
}

func (r *subtleReq) importRSA() (*cryptoKey, error) {
	a := &r.Alg
	if _, ok := hashBlockBits[a.Hash]; !ok {
		return nil, notSupported("unrecognized hash %q", a.Hash)
	}
	k := &cryptoKey{alg: a.Name, hash: a.Hash}
	data := r.bufs["data"]
	switch r.Format {
	case "spki":
		p, err := x509.ParsePKIXPublicKey(data)
		if err != nil {
			return nil, dataError("spki: %v", err)
		}
		pub, ok := p.(*rsa.PublicKey)
		if !ok {
			return nil, dataError("spki holds a %T, not an RSA public key", p)
		}
		k.typ, k.pub = "public", pub
	case "pkcs8":
		p, err := x509.ParsePKCS8PrivateKey(data)
		if err != nil {
			return nil, dataError("pkcs8: %v", err)
		}
		priv, ok := p.(*rsa.PrivateKey)
		if !ok {
			return nil, dataError("pkcs8 holds a %T, not an RSA private key", p)
		}
		k.typ, k.priv = "private", priv
	case "jwk":
		j, err := r.parseJWK("RSA")
		if err != nil {
			return nil, err
		}
		if want := jwkAlg(a.Name, a.Hash); j.Alg != "" && j.Alg != want {
			return nil, dataError("JWK alg %q does not match %s with %s (want %q)", j.Alg, a.Name, a.Hash, want)
		}
		num := func(field, s string) (*big.Int, error) {
			b, err := b64dec(field, s)
			if err != nil {
				return nil, err
			}
			if len(b) == 0 {
				return nil, dataError("JWK member %q is missing", field)
			}
			return new(big.Int).SetBytes(b), nil
		}
		n, err := num("n", j.N)
		if err != nil {
			return nil, err
		}
		e, err := num("e", j.E)
		if err != nil {
			return nil, err
		}
		if e.BitLen() > 31 {
			return nil, notSupported("RSA public exponents must be below 2^31 (Go's crypto/rsa refuses larger ones), and JWK e has %d bits", e.BitLen())
		}
		pub := &rsa.PublicKey{N: n, E: int(e.Int64())}
		if j.D == "" {
			k.typ, k.pub = "public", pub
			break
		}
		d, err := num("d", j.D)
		if err != nil {
			return nil, err
		}
		p, err := num("p", j.P)
		if err != nil {
			return nil, err
		}
		q, err := num("q", j.Q)
		if err != nil {
			return nil, err
		}
		priv := &rsa.PrivateKey{PublicKey: *pub, D: d, Primes: []*big.Int{p, q}}
		if err := priv.Validate(); err != nil {
			return nil, dataError("JWK RSA private key: %v", err)
		}
		priv.Precompute()
		k.typ, k.priv = "private", priv
	default:
		return nil, notSupported("%s keys cannot be imported as %s", a.Name, r.Format)
	}
	pub, _ := k.pub.(*rsa.PublicKey)
	if priv, ok := k.priv.(*rsa.PrivateKey); ok {
		pub = &priv.PublicKey
	}
	if err := checkRSAKey(pub); err != nil {
		return nil, err
	}
	return k, nil
}

func (r *subtleReq) exportKey(k *cryptoKey) (any, error) {
	if !k.extractable {
		return nil, invalidAccess("the key is not extractable")
	}
	switch r.Format {
	case "raw":
		switch {
		case k.typ == "secret":
			return k.secret, nil
		case k.typ != "public":
			return nil, invalidAccess("only public keys export as raw, not %s keys", k.typ)
		}
		switch pub := k.pub.(type) {
		case *ecdsa.PublicKey:
			b, err := pub.Bytes()
			if err != nil {
				return nil, opError("%v", err)
			}
			return b, nil
		case ed25519.PublicKey:
			return []byte(pub), nil
		case *ecdh.PublicKey:
			return pub.Bytes(), nil
		}
	case "spki":
		if k.typ != "public" {
			return nil, invalidAccess("spki export needs a public key, not a %s key", k.typ)
		}
		b, err := x509.MarshalPKIXPublicKey(k.pub)
		if err != nil {
			return nil, opError("spki: %v", err)
		}
		return b, nil
	case "pkcs8":
		if k.typ != "private" {
			return nil, invalidAccess("pkcs8 export needs a private key, not a %s key", k.typ)
		}
		b, err := x509.MarshalPKCS8PrivateKey(k.priv)
		if err != nil {
			return nil, opError("pkcs8: %v", err)
		}
		return b, nil
	case "jwk":
		j, err := k.toJWK()
		if err != nil {
			return nil, err
		}
		ext := true
		j.Ext = &ext
		j.KeyOps = r.Usages
		if j.KeyOps == nil {
			j.KeyOps = []string{}
		}
		return j, nil
	}
	return nil, notSupported("%s keys cannot be exported as %s", k.alg, r.Format)
}

func (k *cryptoKey) toJWK() (*jwk, error) {
	switch k.alg {
	case "HMAC":
		return &jwk{Kty: "oct", K: b64.EncodeToString(k.secret), Alg: jwkAlg("HMAC", k.hash)}, nil
	case "AES-GCM", "AES-CBC", "AES-CTR", "AES-KW":
		return &jwk{Kty: "oct", K: b64.EncodeToString(k.secret), Alg: aesJWKAlg(k.alg, len(k.secret))}, nil
	case "ECDSA", "ECDH":
		pub, _ := k.pub.(*ecdsa.PublicKey)
		j := &jwk{Kty: "EC", Crv: k.curve}
		if priv, ok := k.priv.(*ecdsa.PrivateKey); ok {
			pub = &priv.PublicKey
			d, err := priv.Bytes()
			if err != nil {
				return nil, opError("%v", err)
			}
			j.D = b64.EncodeToString(d)
		}
		pt, err := pub.Bytes()
		if err != nil {
			return nil, opError("%v", err)
		}
		n := curveBytes(k.curve)
		j.X, j.Y = b64.EncodeToString(pt[1:1+n]), b64.EncodeToString(pt[1+n:])
		return j, nil
	case "Ed25519":
		j := &jwk{Kty: "OKP", Crv: "Ed25519", Alg: "Ed25519"}
		if priv, ok := k.priv.(ed25519.PrivateKey); ok {
			j.D = b64.EncodeToString(priv.Seed())
			j.X = b64.EncodeToString(priv.Public().(ed25519.PublicKey))
		} else {
			j.X = b64.EncodeToString(k.pub.(ed25519.PublicKey))
		}
		return j, nil
	case "X25519":
		j := &jwk{Kty: "OKP", Crv: "X25519"}
		if priv, ok := k.priv.(*ecdh.PrivateKey); ok {
			j.D = b64.EncodeToString(priv.Bytes())
			j.X = b64.EncodeToString(priv.PublicKey().Bytes())
		} else {
			j.X = b64.EncodeToString(k.pub.(*ecdh.PublicKey).Bytes())
		}
		return j, nil
	case "RSASSA-PKCS1-v1_5", "RSA-PSS", "RSA-OAEP":
		j := &jwk{Kty: "RSA", Alg: jwkAlg(k.alg, k.hash)}
		pub, _ := k.pub.(*rsa.PublicKey)
		if priv, ok := k.priv.(*rsa.PrivateKey); ok {
			if len(priv.Primes) != 2 {
				return nil, notSupported("RSA keys with %d primes cannot be exported as jwk", len(priv.Primes))
			}
			pub = &priv.PublicKey
			enc := func(x *big.Int) string { return b64.EncodeToString(x.Bytes()) }
			j.D, j.P, j.Q = enc(priv.D), enc(priv.Primes[0]), enc(priv.Primes[1])
			j.DP, j.DQ, j.QI = enc(priv.Precomputed.Dp), enc(priv.Precomputed.Dq), enc(priv.Precomputed.Qinv)
		}
		j.N = b64.EncodeToString(pub.N.Bytes())
		j.E = b64.EncodeToString(big.NewInt(int64(pub.E)).Bytes())
		return j, nil
	}
	return nil, notSupported("%s keys cannot be exported as jwk", k.alg)
}
