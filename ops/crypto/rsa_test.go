package crypto

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/worky-dev/worky/ops/dom"
	"github.com/worky-dev/worky/ops/opstest"
	"github.com/worky-dev/worky/ops/webidl"
	"github.com/worky-dev/worky/runtime"
)

func TestRSACases(t *testing.T) {
	opstest.RunCases(t, []*runtime.Extension{webidl.Extension(), dom.Extension(), Extension()}, "testdata/rsa.js")
}

// readRSAKey reads a PKCS #8 PEM key from testdata/rsa.
func readRSAKey(t *testing.T, name string) *rsa.PrivateKey {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "rsa", name))
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		t.Fatalf("%s: no PEM block", name)
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return k.(*rsa.PrivateKey)
}

// knownAnswer is one line of testdata/rsa/answers.txt or random.txt.
type knownAnswer struct {
	key, scheme, hash string
	msg, out          []byte
}

func readAnswers(t *testing.T, file string) []knownAnswer {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "rsa", file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []knownAnswer
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 5 {
			t.Fatalf("%s: bad line %q", file, sc.Text())
		}
		out = append(out, knownAnswer{key: f[0], scheme: f[1], hash: f[2], msg: mustHex(t, f[3]), out: mustHex(t, f[4])})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatalf("%s has no answers", file)
	}
	return out
}

// webCryptoHash maps OpenSSL's digest names to WebCrypto's.
var webCryptoHash = map[string]string{"sha1": "SHA-1", "sha256": "SHA-256", "sha384": "SHA-384", "sha512": "SHA-512"}

func rsaKeys(alg, hash string, priv *rsa.PrivateKey) (privK, pubK *cryptoKey) {
	return &cryptoKey{typ: "private", alg: alg, hash: hash, priv: priv},
		&cryptoKey{typ: "public", alg: alg, hash: hash, pub: &priv.PublicKey}
}

func isTrue(v any, err error) bool {
	b, ok := v.(bool)
	return err == nil && ok && b
}

// TestRSAKnownAnswers checks signRSA and verifyRSA against OpenSSL's
// signatures (answers.txt): RSA-PSS with an empty salt and PKCS #1 v1.5,
// with keys whose exponents are 3, 17 and 65537. The PSS signatures are
// also checked with Go's own rsa.VerifyPSS (salt length detected), a
// verifier independent of pss.go.
func TestRSAKnownAnswers(t *testing.T) {
	for _, ka := range readAnswers(t, "answers.txt") {
		name := ka.key + " " + ka.scheme + " " + ka.hash
		hash := webCryptoHash[ka.hash]
		alg := "RSASSA-PKCS1-v1_5"
		if ka.scheme == "pss0" {
			alg = "RSA-PSS"
		}
		priv := readRSAKey(t, ka.key)
		pk, pub := rsaKeys(alg, hash, priv)
		a := &algParams{Name: alg, SaltLength: 0}
		for i := range 2 {
			got, err := signRSA(pk, a, ka.msg)
			if err != nil {
				t.Fatalf("%s: sign: %v", name, err)
			}
			if !bytes.Equal(got.([]byte), ka.out) {
				t.Fatalf("%s: signature %d = %x, want OpenSSL's %x", name, i+1, got, ka.out)
			}
		}
		if !isTrue(verifyRSA(pub, a, ka.out, ka.msg)) {
			t.Errorf("%s: verify of OpenSSL's signature is not true", name)
		}
		if alg != "RSA-PSS" {
			continue
		}
		_, ch, _ := hashFunc(hash)
		d := ch.New()
		d.Write(ka.msg)
		if err := rsa.VerifyPSS(&priv.PublicKey, ch, d.Sum(nil), ka.out, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto}); err != nil {
			t.Errorf("%s: Go's rsa.VerifyPSS: %v", name, err)
		}
		for _, n := range []int{1, ch.Size()} {
			if v, err := verifyRSA(pub, &algParams{SaltLength: n}, ka.out, ka.msg); err != nil || v != false {
				t.Errorf("%s: verify with saltLength %d = %v, %v; want false", name, n, v, err)
			}
		}
	}
}

// TestPSSEncodingVector reproduces RSA Laboratories' pss-vect.txt Example
// 1.1 with pss.go's encoding and private-key operation given the
// vector's salt: the whole of RSASSA-PSS-SIGN but the salt's randomness.
func TestPSSEncodingVector(t *testing.T) {
	priv := readRSAKey(t, "pss-vect-1.pem")
	msg := mustHex(t, "cdc87da223d786df3b45e0bbbc721326d1ee2af806cc315475cc6f0d9c66e1b62371d45ce2392e1ac92844c310102f156a0d8d52c1f4c40ba3aa65095786cb769757a6563ba958fed0bcc984e8b517a3d5f515b23b8a41e74aa867693f90dfb061a6e86dfaaee64472c00e5f20945729cbebe77f06ce78e08f4098fba41f9d6193c0317e8b60d4b6084acb42d29e3808a3bc372d85e331170fcbf7cc72d0b71c296648b3a4d10f416295d0807aa625cab2744fd9ea8fd223c42537029828bd16be02546f130fd2e33b936d2676e08aed1b73318b750a0167d0")
	salt := mustHex(t, "dee959c7e06411361420ff80185ed57f3e6776af")
	want := mustHex(t, "9074308fb598e9701b2294388e52f971faac2b60a5145af185df5287b5ed2887e57ce7fd44dc8634e407c8e0e4360bc226f3ec227f9d9e54638e8d31f5051215df6ebb9c2f9579aa77598a38f914b5b9c1bd83c4e2f9f382a0d0aa3542ffee65984a601bc69eb28deb27dca12c82c2d4c3f66cd500f1ff2b994d8a4e30cbb33c")
	digest := sha1.Sum(msg)
	crt, err := newRSACRT(priv)
	if err != nil {
		t.Fatal(err)
	}
	got, err := signPSSWithSalt(priv, crt, digest[:], salt, sha1.New)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Example 1.1 signature = %x, want %x", got, want)
	}
	// The same without the CRT (a multi-prime key takes that path).
	plain := &rsaCRT{n: crt.n, e: crt.e, d: priv.D.Bytes()}
	if got, err := signPSSWithSalt(priv, plain, digest[:], salt, sha1.New); err != nil || !bytes.Equal(got, want) {
		t.Errorf("Example 1.1 signature without the CRT = %x, %v; want %x", got, err, want)
	}
}

// TestPSSNoSaltAgainstGo signs with an empty salt for keys of several
// sizes (the encoded message is a byte shorter than the signature when
// the modulus has 8k+1 bits) and checks each signature with Go's
// rsa.VerifyPSS, and that a random-salt signature from Go's rsa.SignPSS
// does not pass as saltLength 0.
func TestPSSNoSaltAgainstGo(t *testing.T) {
	for _, bits := range []int{1024, 1025, 1031, 1536} {
		priv, err := rsa.GenerateKey(rand.Reader, bits)
		if err != nil {
			t.Fatal(err)
		}
		for _, hash := range []string{"SHA-1", "SHA-256", "SHA-512"} {
			name := fmt.Sprintf("%d bits, %s", bits, hash)
			pk, pub := rsaKeys("RSA-PSS", hash, priv)
			_, ch, _ := hashFunc(hash)
			for i := range 3 {
				msg := []byte{byte(i), 'm', 's', 'g'}
				sig, err := signRSA(pk, &algParams{SaltLength: 0}, msg)
				if err != nil {
					t.Fatalf("%s: sign: %v", name, err)
				}
				if n := len(sig.([]byte)); n != (bits+7)/8 {
					t.Fatalf("%s: signature has %d bytes, want %d", name, n, (bits+7)/8)
				}
				d := ch.New()
				d.Write(msg)
				digest := d.Sum(nil)
				if err := rsa.VerifyPSS(&priv.PublicKey, ch, digest, sig.([]byte), nil); err != nil {
					t.Errorf("%s: Go's rsa.VerifyPSS: %v", name, err)
				}
				if !isTrue(verifyRSA(pub, &algParams{SaltLength: 0}, sig.([]byte), msg)) {
					t.Errorf("%s: verifyRSA with saltLength 0 is not true", name)
				}
				salted, err := rsa.SignPSS(rand.Reader, priv, ch, digest, &rsa.PSSOptions{SaltLength: 1 + i})
				if err != nil {
					t.Fatal(err)
				}
				if v, err := verifyRSA(pub, &algParams{SaltLength: 0}, salted, msg); err != nil || v != false {
					t.Errorf("%s: a %d-byte salt signature with saltLength 0: %v, %v; want false", name, 1+i, v, err)
				}
				if !isTrue(verifyRSA(pub, &algParams{SaltLength: 1 + i}, salted, msg)) {
					t.Errorf("%s: a %d-byte salt signature with its saltLength is not true", name, 1+i)
				}
			}
		}
	}
}

// TestPSSSaltLengthLimit: the longest salt works, one more is an
// OperationError (before anything is allocated for it), and verify
// answers false for any salt too long.
func TestPSSSaltLengthLimit(t *testing.T) {
	priv := readRSAKey(t, "e65537-1025.pem")
	pk, pub := rsaKeys("RSA-PSS", "SHA-256", priv)
	limit := 128 - 32 - 2
	if got := pssMaxSaltLength(1025, 32); got != limit {
		t.Fatalf("pssMaxSaltLength(1025, 32) = %d, want %d", got, limit)
	}
	msg := []byte("limit")
	sig, err := signRSA(pk, &algParams{SaltLength: limit}, msg)
	if err != nil {
		t.Fatalf("saltLength %d: %v", limit, err)
	}
	if !isTrue(verifyRSA(pub, &algParams{SaltLength: limit}, sig.([]byte), msg)) {
		t.Errorf("saltLength %d: does not verify", limit)
	}
	for _, n := range []int{limit + 1, 1<<32 - 1} {
		if _, err := signRSA(pk, &algParams{SaltLength: n}, msg); !isDOMException(err, "OperationError") {
			t.Errorf("sign with saltLength %d: err = %v, want OperationError", n, err)
		}
		if v, err := verifyRSA(pub, &algParams{SaltLength: n}, sig.([]byte), msg); err != nil || v != false {
			t.Errorf("verify with saltLength %d = %v, %v; want false", n, v, err)
		}
	}
}

// TestRSASignFaultCheck makes the private-key operation compute a wrong
// value (a corrupted CRT exponent, as a hardware fault would) and checks
// that no signature comes out: a wrong CRT signature reveals a factor of
// the modulus.
func TestRSASignFaultCheck(t *testing.T) {
	priv := readRSAKey(t, "e17-1024.pem")
	crt, err := newRSACRT(priv)
	if err != nil {
		t.Fatal(err)
	}
	digest := sha1.Sum([]byte("fault"))
	if _, err := signPSSWithSalt(priv, crt, digest[:], nil, sha1.New); err != nil {
		t.Fatalf("sign with the intact key: %v", err)
	}
	bad := *crt
	bad.dp = append([]byte(nil), crt.dp...)
	bad.dp[len(bad.dp)-1] ^= 2
	if sig, err := signPSSWithSalt(priv, &bad, digest[:], nil, sha1.New); err == nil || !strings.Contains(err.Error(), "fault") {
		t.Errorf("sign with a corrupted dp = %x, %v; want the fault check's error", sig, err)
	}
}

// TestGenerateRSAExponent3 checks generateRSAWithExponent's keys against
// FIPS 186-5 A.1.3 and uses them.
func TestGenerateRSAExponent3(t *testing.T) {
	for _, bits := range []int{1024, 1032} {
		keys, err := generateRSA(&algParams{Name: "RSA-PSS", Hash: "SHA-256", ModulusLength: bits, PublicExponent: []byte{3}})
		if err != nil {
			t.Fatalf("%d bits: %v", bits, err)
		}
		priv := keys[1].priv.(*rsa.PrivateKey)
		if priv.E != 3 || priv.N.BitLen() != bits || len(priv.Primes) != 2 {
			t.Fatalf("%d bits: got e = %d, %d bits, %d primes", bits, priv.E, priv.N.BitLen(), len(priv.Primes))
		}
		if err := priv.Validate(); err != nil {
			t.Fatalf("%d bits: Validate: %v", bits, err)
		}
		p, q := priv.Primes[0], priv.Primes[1]
		if p.BitLen() != bits/2 || q.BitLen() != bits/2 {
			t.Errorf("%d bits: primes of %d and %d bits", bits, p.BitLen(), q.BitLen())
		}
		if diff := new(big.Int).Sub(p, q); diff.BitLen() <= bits/2-100 {
			t.Errorf("%d bits: |p - q| has only %d bits", bits, diff.BitLen())
		}
		if priv.D.BitLen() <= bits/2 {
			t.Errorf("%d bits: d has only %d bits", bits, priv.D.BitLen())
		}
		pk, pub := keys[1], keys[0]
		for _, salt := range []int{0, 32} {
			sig, err := signRSA(pk, &algParams{SaltLength: salt}, []byte("e=3"))
			if err != nil {
				t.Fatalf("%d bits: sign with saltLength %d: %v", bits, salt, err)
			}
			if !isTrue(verifyRSA(pub, &algParams{SaltLength: salt}, sig.([]byte), []byte("e=3"))) {
				t.Errorf("%d bits: saltLength %d signature does not verify", bits, salt)
			}
		}
	}
}

func TestGenerateRSAErrors(t *testing.T) {
	tests := []struct {
		bits int
		e    []byte
		want string // in the message
	}{
		{512, []byte{1, 0, 1}, "at least 1024 bits"},
		{1016, []byte{1, 0, 1}, "at least 1024 bits"},
		{16392, []byte{1, 0, 1}, "at most 16384"},
		{1028, []byte{1, 0, 1}, "multiple of 8"},
		{1024, []byte{17}, "must be 3 ([3]) or 65537"},
		{1024, []byte{1, 0, 0, 1}, "must be 3 ([3]) or 65537"},
		{1024, nil, "must be 3 ([3]) or 65537"},
		{1024, []byte{1, 0, 0, 0, 0, 1}, "must be 3 ([3]) or 65537"},
	}
	for _, tt := range tests {
		_, err := generateRSA(&algParams{Name: "RSA-OAEP", Hash: "SHA-256", ModulusLength: tt.bits, PublicExponent: tt.e})
		if !isDOMException(err, "OperationError") || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("generateRSA(%d bits, e = %x): err = %v, want an OperationError saying %q", tt.bits, tt.e, err, tt.want)
		}
	}
}

func TestCheckRSAKey(t *testing.T) {
	odd := func(bits int) *big.Int {
		n := new(big.Int).Lsh(big.NewInt(1), uint(bits))
		return n.Sub(n, big.NewInt(1)) // 2^bits - 1: bits bits, odd
	}
	tests := []struct {
		name string
		n    *big.Int
		e    int
		want string // DOMException name, "" for none
	}{
		{"2048 bits, e = 3", odd(2048), 3, ""},
		{"2048 bits, e = 17", odd(2048), 17, ""},
		{"2048 bits, e = 37", odd(2048), 37, ""},
		{"1024 bits, e = 65537", odd(1024), 65537, ""},
		{"16384 bits", odd(16384), 65537, ""},
		{"2048 bits, e = 2^31 - 1", odd(2048), 1<<31 - 1, ""},
		{"1023 bits", odd(1023), 65537, "NotSupportedError"},
		{"512 bits", odd(512), 65537, "NotSupportedError"},
		{"16385 bits", odd(16385), 65537, "NotSupportedError"},
		{"e = 2^31 + 1", odd(2048), 1<<31 + 1, "NotSupportedError"},
		{"even modulus", new(big.Int).Sub(odd(2048), big.NewInt(1)), 65537, "DataError"},
		{"e = 1", odd(2048), 1, "DataError"},
		{"e = 2", odd(2048), 2, "DataError"},
		{"e = 65536", odd(2048), 65536, "DataError"},
	}
	for _, tt := range tests {
		err := checkRSAKey(&rsa.PublicKey{N: tt.n, E: tt.e})
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v, want no error", tt.name, err)
		case tt.want != "" && !isDOMException(err, tt.want):
			t.Errorf("%s: err = %v, want %s", tt.name, err, tt.want)
		}
	}
}

// TestRSATestKeysInJS checks that testdata/rsa.js has the very keys and
// answers of testdata/rsa, so the JS cases and the Go tests test the
// same OpenSSL output.
func TestRSATestKeysInJS(t *testing.T) {
	js, err := os.ReadFile(filepath.Join("testdata", "rsa.js"))
	if err != nil {
		t.Fatal(err)
	}
	// The JS splits long strings as "..." + "...".
	joined := regexp.MustCompile(`"\s*\+\s*"`).ReplaceAllString(string(js), "")
	pems, err := filepath.Glob(filepath.Join("testdata", "rsa", "*.pem"))
	if err != nil || len(pems) == 0 {
		t.Fatalf("no PEM files: %v", err)
	}
	for _, f := range pems {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		blk, _ := pem.Decode(b)
		if blk == nil {
			t.Fatalf("%s: no PEM block", f)
		}
		body := strings.Join(strings.Fields(string(pem.EncodeToMemory(&pem.Block{Type: "X", Bytes: blk.Bytes}))), "")
		body = strings.TrimSuffix(strings.TrimPrefix(body, "-----BEGINX-----"), "-----ENDX-----")
		if !strings.Contains(joined, `"`+body+`"`) {
			t.Errorf("testdata/rsa.js does not have the key of %s", f)
		}
	}
	for _, file := range []string{"answers.txt", "random.txt"} {
		for _, ka := range readAnswers(t, file) {
			if !strings.Contains(joined, `"`+hex.EncodeToString(ka.out)+`"`) {
				t.Errorf("testdata/rsa.js does not have %s's %s %s %s answer", file, ka.key, ka.scheme, ka.hash)
			}
		}
	}
}

// TestRSARandomAnswers checks OpenSSL's randomized outputs (random.txt)
// in Go: the 32-byte-salt PSS signature passes only as saltLength 32,
// and the RSA-OAEP ciphertexts decrypt to the message.
func TestRSARandomAnswers(t *testing.T) {
	for _, ka := range readAnswers(t, "random.txt") {
		name := ka.key + " " + ka.scheme + " " + ka.hash
		hash := webCryptoHash[ka.hash]
		priv := readRSAKey(t, ka.key)
		switch ka.scheme {
		case "pss32":
			_, pub := rsaKeys("RSA-PSS", hash, priv)
			for _, n := range []int{0, 31, 32, 33} {
				v, err := verifyRSA(pub, &algParams{SaltLength: n}, ka.out, ka.msg)
				if err != nil || v != (n == 32) {
					t.Errorf("%s: verify with saltLength %d = %v, %v; want %v", name, n, v, err, n == 32)
				}
			}
		case "oaep":
			pk, _ := rsaKeys("RSA-OAEP", hash, priv)
			got, err := oaep(pk, nil, ka.out, false)
			if err != nil || !bytes.Equal(got.([]byte), ka.msg) {
				t.Errorf("%s: decrypt = %x, %v; want %x", name, got, err, ka.msg)
			}
		default:
			t.Fatalf("%s: unknown scheme", name)
		}
	}
}
