// Cases for crypto.subtle and CryptoKey, run by subtle_test.go. Every
// algorithm has known-answer tests from the RFC or NIST publication cited
// beside it, plus round trips and the spec's error names.

import { hex, toHex, b64url, eq, eqHex, rejects } from "./helpers.js";

const subtle = crypto.subtle;

const utf8 = (s) => new TextEncoderLite().encode(s);
class TextEncoderLite {
  encode(s) {
    const out = [];
    for (const ch of unescape(encodeURIComponent(s))) out.push(ch.charCodeAt(0));
    return new Uint8Array(out);
  }
}

// ---- digest: FIPS 180-2 appendix examples ("abc") ----
export const digestKnownAnswers = {
  async test() {
    const abc = utf8("abc");
    eqHex(await subtle.digest("SHA-1", abc), "a9993e364706816aba3e25717850c26c9cd0d89d", "SHA-1(abc)");
    eqHex(await subtle.digest({ name: "sha-256" }, abc), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "SHA-256(abc)");
    eqHex(
      await subtle.digest("SHA-384", abc.buffer),
      "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
      "SHA-384(abc)",
    );
    eqHex(
      await subtle.digest("Sha-512", new DataView(abc.buffer)),
      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
      "SHA-512(abc)",
    );
    await rejects(subtle.digest("MD5", abc), "NotSupportedError", "digest MD5");
    await rejects(subtle.digest("SHA-256"), "TypeError", "digest without data");
    await rejects(subtle.digest("SHA-256", "abc"), "TypeError", "digest of a string");
    await rejects(subtle.digest.call({}, "SHA-256", abc), "TypeError", "digest on the wrong receiver");
  },
};

// ---- HMAC: RFC 4231 test case 2 (SHA-256/384/512), RFC 2202 test case 2 (SHA-1) ----
export const hmacKnownAnswers = {
  async test() {
    const key = utf8("Jefe");
    const data = utf8("what do ya want for nothing?");
    const want = {
      "SHA-1": "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
      "SHA-256": "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
      "SHA-384": "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649",
      "SHA-512": "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
    };
    for (const hash of Object.keys(want)) {
      const k = await subtle.importKey("raw", key, { name: "hmac", hash }, false, ["sign", "verify"]);
      eq(k.algorithm.name, "HMAC", "algorithm.name");
      eq(k.algorithm.hash.name, hash, "algorithm.hash.name");
      eq(k.algorithm.length, 32, "algorithm.length");
      const sig = await subtle.sign("HMAC", k, data);
      eqHex(sig, want[hash], `HMAC-${hash}`);
      eq(await subtle.verify("HMAC", k, sig, data), true, `verify HMAC-${hash}`);
      const bad = new Uint8Array(sig);
      bad[0] ^= 1;
      eq(await subtle.verify("HMAC", k, bad, data), false, `verify a bad HMAC-${hash}`);
    }
  },
};

export const hmacGenerateAndJWK = {
  async test() {
    const k = await subtle.generateKey({ name: "HMAC", hash: { name: "SHA-512" } }, true, ["sign", "verify", "sign"]);
    eq(k instanceof CryptoKey, true, "instanceof CryptoKey");
    eq(Object.prototype.toString.call(k), "[object CryptoKey]", "toStringTag");
    eq(k.type, "secret", "type");
    eq(k.extractable, true, "extractable");
    eq(k.algorithm.length, 1024, "default length is the SHA-512 block size");
    eq(k.usages.join(), "sign,verify", "usages deduplicated");
    eq(k.algorithm, k.algorithm, "algorithm is the same object each time");
    const jwk = await subtle.exportKey("jwk", k);
    eq(jwk.kty, "oct", "jwk.kty");
    eq(jwk.alg, "HS512", "jwk.alg");
    eq(jwk.ext, true, "jwk.ext");
    eq(jwk.key_ops.join(), "sign,verify", "jwk.key_ops");
    const raw = await subtle.exportKey("raw", k);
    eq(raw.byteLength, 128, "raw length");
    eq(b64url(new Uint8Array(raw)), jwk.k, "jwk.k is the raw key");
    const k2 = await subtle.importKey("jwk", jwk, { name: "HMAC", hash: "SHA-512" }, false, ["verify"]);
    const data = utf8("hello");
    eq(await subtle.verify("HMAC", k2, await subtle.sign("HMAC", k, data), data), true, "verify with the jwk import");
    await rejects(subtle.exportKey("raw", k2), "InvalidAccessError", "export of a non-extractable key");
    await rejects(subtle.sign("HMAC", k2, data), "InvalidAccessError", "sign with a verify-only key");
    await rejects(subtle.importKey("jwk", jwk, { name: "HMAC", hash: "SHA-256" }, true, ["sign"]), "DataError", "jwk alg HS512 as SHA-256");
    await rejects(subtle.importKey("jwk", { ...jwk, ext: false }, { name: "HMAC", hash: "SHA-512" }, true, ["sign"]), "DataError", "jwk ext false");
    await rejects(subtle.importKey("jwk", { ...jwk, key_ops: ["verify"] }, { name: "HMAC", hash: "SHA-512" }, true, ["sign"]), "DataError", "jwk key_ops");
    await rejects(subtle.importKey("jwk", { ...jwk, kty: "EC" }, { name: "HMAC", hash: "SHA-512" }, true, ["sign"]), "DataError", "jwk kty");
    await rejects(subtle.generateKey({ name: "HMAC", hash: "SHA-256" }, true, ["encrypt"]), "SyntaxError", "HMAC with encrypt usage");
    await rejects(subtle.generateKey({ name: "HMAC", hash: "SHA-256" }, true, []), "SyntaxError", "HMAC with no usages");
    await rejects(subtle.generateKey({ name: "HMAC" }, true, ["sign"]), "TypeError", "HMAC without hash");
    await rejects(subtle.generateKey({ name: "HMAC", hash: "SHA-256" }, true, ["bogus"]), "TypeError", "bad usage value");
    await rejects(subtle.importKey("raw", new Uint8Array(0), { name: "HMAC", hash: "SHA-256" }, true, ["sign"]), "DataError", "empty HMAC key");
    await rejects(subtle.importKey("raw", new Uint8Array(4), { name: "HMAC", hash: "SHA-256", length: 40 }, true, ["sign"]), "DataError", "HMAC length too long");
    await rejects(subtle.importKey("spki", new Uint8Array(4), { name: "HMAC", hash: "SHA-256" }, true, ["sign"]), "NotSupportedError", "HMAC spki");
    await rejects(subtle.generateKey({ name: "nope" }, true, ["sign"]), "NotSupportedError", "unknown algorithm");
  },
};

// ---- PBKDF2: RFC 6070 (SHA-1) and RFC 7914 section 11 (SHA-256) ----
export const pbkdf2KnownAnswers = {
  async test() {
    const pw = await subtle.importKey("raw", utf8("password"), "PBKDF2", false, ["deriveBits", "deriveKey"]);
    eq(pw.extractable, false, "extractable");
    const salt = utf8("salt");
    const cases = [
      [1, "0c60c80f961f0e71f3a9b524af6012062fe037a6"],
      [2, "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957"],
      [4096, "4b007901b765489abead49d926f721d065a429c1"],
    ];
    for (const [iterations, want] of cases) {
      eqHex(await subtle.deriveBits({ name: "PBKDF2", hash: "SHA-1", salt, iterations }, pw, 160), want, `RFC 6070 c=${iterations}`);
    }
    const pw2 = await subtle.importKey("raw", utf8("passwd"), { name: "pbkdf2" }, false, ["deriveBits"]);
    eqHex(
      await subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations: 1 }, pw2, 512),
      "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783",
      "RFC 7914 PBKDF2-HMAC-SHA-256",
    );
    await rejects(subtle.importKey("raw", utf8("x"), "PBKDF2", true, ["deriveBits"]), "SyntaxError", "extractable PBKDF2 key");
    await rejects(subtle.deriveBits({ name: "PBKDF2", hash: "SHA-1", salt, iterations: 0 }, pw, 160), "OperationError", "zero iterations");
    await rejects(subtle.deriveBits({ name: "PBKDF2", hash: "SHA-1", salt, iterations: 1 }, pw, 13), "OperationError", "length not a multiple of 8");
    await rejects(subtle.deriveBits({ name: "PBKDF2", hash: "SHA-1", salt, iterations: 1 }, pw), "OperationError", "null length");
    await rejects(subtle.deriveBits({ name: "PBKDF2", hash: "SHA-1", iterations: 1 }, pw, 160), "TypeError", "missing salt");
    await rejects(subtle.deriveKey({ name: "PBKDF2", hash: "SHA-1", salt, iterations: 1 }, pw2, { name: "AES-GCM", length: 128 }, false, ["encrypt"]), "InvalidAccessError", "deriveKey with a deriveBits-only key");
  },
};

// ---- HKDF: RFC 5869 test cases 1 and 3 (SHA-256) ----
export const hkdfKnownAnswers = {
  async test() {
    const ikm = await subtle.importKey("raw", hex("0b".repeat(22)), "HKDF", false, ["deriveBits", "deriveKey"]);
    eqHex(
      await subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt: hex("000102030405060708090a0b0c"), info: hex("f0f1f2f3f4f5f6f7f8f9") }, ikm, 336),
      "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
      "RFC 5869 A.1",
    );
    eqHex(
      await subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: new Uint8Array(0) }, ikm, 336),
      "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
      "RFC 5869 A.3",
    );
    await rejects(subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: new Uint8Array(0) }, ikm, 256 * 32 * 8), "OperationError", "HKDF too long");
  },
};

export const deriveKeyToHmacAndAes = {
  async test() {
    const ikm = await subtle.importKey("raw", hex("0b".repeat(22)), "HKDF", false, ["deriveKey"]);
    const params = { name: "HKDF", hash: "SHA-256", salt: hex("000102030405060708090a0b0c"), info: hex("f0f1f2f3f4f5f6f7f8f9") };
    // The first 16 bytes of RFC 5869 A.1's OKM become the AES key.
    const aes = await subtle.deriveKey(params, ikm, { name: "AES-GCM", length: 128 }, true, ["encrypt"]);
    eq(aes.algorithm.name, "AES-GCM", "derived algorithm");
    eq(aes.algorithm.length, 128, "derived length");
    eqHex(await subtle.exportKey("raw", aes), "3cb25f25faacd57a90434f64d0362f2a", "derived AES key");
    const mac = await subtle.deriveKey(params, ikm, { name: "HMAC", hash: "SHA-1", length: 336 }, true, ["sign"]);
    eqHex(await subtle.exportKey("raw", mac), "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865", "derived HMAC key");
    const pw = await subtle.importKey("raw", utf8("password"), "PBKDF2", false, ["deriveKey"]);
    const k = await subtle.deriveKey({ name: "PBKDF2", hash: "SHA-1", salt: utf8("salt"), iterations: 2 }, pw, { name: "AES-CBC", length: 128 }, true, ["decrypt"]);
    eqHex(await subtle.exportKey("raw", k), "ea6c014dc72d6f8ccd1ed92ace1d41f0", "PBKDF2-derived AES key (RFC 6070 c=2)");
    await rejects(subtle.deriveKey(params, ikm, { name: "AES-GCM", length: 100 }, true, ["encrypt"]), "OperationError", "AES length 100");
    await rejects(subtle.deriveKey(params, ikm, { name: "AES-GCM", length: 128 }, true, ["sign"]), "SyntaxError", "AES with sign");
    await rejects(subtle.deriveBits(params, ikm, 128), "InvalidAccessError", "deriveBits without the usage");
  },
};

// ---- AES-GCM: GCM spec test cases 2, 3 and 4 (McGrew and Viega, used by NIST SP 800-38D validation) ----
const gcmKey = "feffe9928665731c6d6a8f9467308308";
const gcmIV = "cafebabefacedbaddecaf888";
const gcmP =
  "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255";
const gcmC =
  "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985";
export const aesGcmKnownAnswers = {
  async test() {
    const zero = await subtle.importKey("raw", new Uint8Array(16), "AES-GCM", false, ["encrypt"]);
    eqHex(await subtle.encrypt({ name: "AES-GCM", iv: new Uint8Array(12) }, zero, new Uint8Array(16)), "0388dace60b6a392f328c2b971b2fe78" + "ab6e47d42cec13bdf53a67b21257bddf", "test case 2");
    const k = await subtle.importKey("raw", hex(gcmKey), { name: "aes-gcm" }, true, ["encrypt", "decrypt"]);
    eqHex(await subtle.encrypt({ name: "AES-GCM", iv: hex(gcmIV) }, k, hex(gcmP)), gcmC + "4d5c2af327cd64a62cf35abd2ba6fab4", "test case 3");
    const aad = hex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
    const c4 = gcmC.slice(0, 120) + "5bc94fbc3221a5db94fae95ae7121a47";
    eqHex(await subtle.encrypt({ name: "AES-GCM", iv: hex(gcmIV), additionalData: aad }, k, hex(gcmP.slice(0, 120))), c4, "test case 4");
    eqHex(await subtle.decrypt({ name: "AES-GCM", iv: hex(gcmIV), additionalData: aad }, k, hex(c4)), gcmP.slice(0, 120), "test case 4 decrypt");
    // A 96-bit tag is the 128-bit one truncated.
    eqHex(await subtle.encrypt({ name: "AES-GCM", iv: hex(gcmIV), additionalData: aad, tagLength: 96 }, k, hex(gcmP.slice(0, 120))), c4.slice(0, c4.length - 8), "test case 4, 96-bit tag");
    // 64- and 32-bit tags, also truncations of the full tag (SP 800-38D 5.2.1.2).
    for (const tagLength of [32, 64, 104]) {
      const cut = c4.slice(0, 120 + tagLength / 4);
      eqHex(await subtle.encrypt({ name: "AES-GCM", iv: hex(gcmIV), additionalData: aad, tagLength }, k, hex(gcmP.slice(0, 120))), cut, `test case 4, ${tagLength}-bit tag`);
      eqHex(await subtle.decrypt({ name: "AES-GCM", iv: hex(gcmIV), additionalData: aad, tagLength }, k, hex(cut)), gcmP.slice(0, 120), `test case 4, ${tagLength}-bit tag, decrypt`);
      const t = hex(cut);
      t[t.length - 1] ^= 0x80;
      await rejects(subtle.decrypt({ name: "AES-GCM", iv: hex(gcmIV), additionalData: aad, tagLength }, k, t), "OperationError", `bad ${tagLength}-bit tag`);
    }
    // Test case 5: a 64-bit iv.
    const c5 = "61353b4c2806934a777ff51fa22a4755699b2a714fcdc6f83766e5f97b6c742373806900e49f24b22b097544d4896b424989b5e1ebac0f07c23f4598" + "3612d2e79e3b0785561be14aaca2fccb";
    eqHex(await subtle.encrypt({ name: "AES-GCM", iv: hex("cafebabefacedbad"), additionalData: aad }, k, hex(gcmP.slice(0, 120))), c5, "test case 5 (64-bit iv)");
    eqHex(await subtle.decrypt({ name: "AES-GCM", iv: hex("cafebabefacedbad"), additionalData: aad, tagLength: 96 }, k, hex(c5.slice(0, c5.length - 8))), gcmP.slice(0, 120), "test case 5, 96-bit tag, decrypt");
    await rejects(subtle.decrypt({ name: "AES-GCM", iv: hex(gcmIV), additionalData: aad, tagLength: 64 }, k, new Uint8Array(7)), "OperationError", "shorter than the tag");
    const bad = hex(c4);
    bad[0] ^= 1;
    await rejects(subtle.decrypt({ name: "AES-GCM", iv: hex(gcmIV), additionalData: aad }, k, bad), "OperationError", "tampered ciphertext");
    await rejects(subtle.decrypt({ name: "AES-GCM", iv: hex(gcmIV) }, k, hex(c4)), "OperationError", "missing additional data");
    await rejects(subtle.encrypt({ name: "AES-GCM", iv: hex(gcmIV), tagLength: 100 }, k, hex(gcmP)), "OperationError", "tagLength 100");
    await rejects(subtle.encrypt({ name: "AES-GCM" }, k, hex(gcmP)), "TypeError", "missing iv");
    await rejects(subtle.importKey("raw", new Uint8Array(17), "AES-GCM", true, ["encrypt"]), "DataError", "17-byte AES key");
    await rejects(subtle.encrypt({ name: "AES-CBC", iv: new Uint8Array(16) }, k, hex(gcmP)), "InvalidAccessError", "AES-CBC with an AES-GCM key");
  },
};

// ---- AES-CBC: NIST SP 800-38A F.2.1/F.2.2 (CBC-AES128) ----
const sp38aKey = "2b7e151628aed2a6abf7158809cf4f3c";
const sp38aP = "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";
export const aesCbcKnownAnswers = {
  async test() {
    const k = await subtle.importKey("raw", hex(sp38aKey), "AES-CBC", true, ["encrypt", "decrypt"]);
    const iv = hex("000102030405060708090a0b0c0d0e0f");
    const want = "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b273bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7";
    const c = await subtle.encrypt({ name: "AES-CBC", iv }, k, hex(sp38aP));
    eq(c.byteLength, 80, "ciphertext length (64 bytes and a padding block)");
    eq(toHex(c).slice(0, 128), want, "F.2.1 CBC-AES128.Encrypt");
    eqHex(await subtle.decrypt({ name: "AES-CBC", iv }, k, c), sp38aP, "decrypt");
    await rejects(subtle.decrypt({ name: "AES-CBC", iv }, k, hex(want)), "OperationError", "no valid padding");
    await rejects(subtle.encrypt({ name: "AES-CBC", iv: new Uint8Array(8) }, k, hex(sp38aP)), "OperationError", "8-byte iv");
    const jwk = await subtle.exportKey("jwk", k);
    eq(jwk.alg, "A128CBC", "jwk.alg");
    const k2 = await subtle.importKey("jwk", jwk, "AES-CBC", false, ["decrypt"]);
    eqHex(await subtle.decrypt({ name: "AES-CBC", iv }, k2, c), sp38aP, "decrypt with the jwk import");
    await rejects(subtle.importKey("jwk", jwk, "AES-GCM", false, ["decrypt"]), "DataError", "A128CBC as AES-GCM");
  },
};

// ---- AES-CTR: NIST SP 800-38A F.5.1 (CTR-AES128) ----
export const aesCtrKnownAnswers = {
  async test() {
    const k = await subtle.importKey("raw", hex(sp38aKey), "AES-CTR", false, ["encrypt", "decrypt"]);
    const counter = hex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
    const want = "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee";
    eqHex(await subtle.encrypt({ name: "AES-CTR", counter, length: 128 }, k, hex(sp38aP)), want, "F.5.1");
    eqHex(await subtle.encrypt({ name: "AES-CTR", counter, length: 64 }, k, hex(sp38aP)), want, "F.5.1 with a 64-bit counter");
    eqHex(await subtle.decrypt({ name: "AES-CTR", counter, length: 128 }, k, hex(want.slice(0, 50))), sp38aP.slice(0, 50), "F.5.2 (partial block)");
    // With an 8-bit counter, block 2 wraps from ff back to 00 in the last byte only.
    const wrapped = await subtle.encrypt({ name: "AES-CTR", counter, length: 8 }, k, hex(sp38aP));
    const block2 = await subtle.encrypt({ name: "AES-CTR", counter: hex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfe00"), length: 8 }, k, hex(sp38aP.slice(32, 64)));
    eq(toHex(wrapped).slice(32, 64), toHex(block2), "an 8-bit counter wraps within its bits");
    await rejects(subtle.encrypt({ name: "AES-CTR", counter, length: 1 }, k, new Uint8Array(48)), "OperationError", "a 1-bit counter for 3 blocks");
    await rejects(subtle.encrypt({ name: "AES-CTR", counter, length: 0 }, k, new Uint8Array(16)), "OperationError", "length 0");
    await rejects(subtle.encrypt({ name: "AES-CTR", counter: new Uint8Array(8), length: 64 }, k, new Uint8Array(16)), "OperationError", "8-byte counter");
  },
};

// ---- AES-KW: RFC 3394 sections 4.1 and 4.6 ----
export const aesKwKnownAnswers = {
  async test() {
    const kek = await subtle.importKey("raw", hex("000102030405060708090A0B0C0D0E0F"), "AES-KW", false, ["wrapKey", "unwrapKey"]);
    const data = await subtle.importKey("raw", hex("00112233445566778899AABBCCDDEEFF"), "AES-GCM", true, ["encrypt"]);
    eqHex(await subtle.wrapKey("raw", data, kek, "AES-KW"), "1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5", "RFC 3394 4.1");
    const kek256 = await subtle.importKey("raw", hex("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"), "AES-KW", true, ["wrapKey", "unwrapKey"]);
    const data256 = await subtle.importKey("raw", hex("00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F"), "AES-CBC", true, ["encrypt"]);
    const wrapped = await subtle.wrapKey("raw", data256, kek256, { name: "aes-kw" });
    eqHex(wrapped, "28C9F404C4B810F4CBCCB35CFB87F8263F5786E2D80ED326CBC7F0E71A99F43BFB988B9B7A02DD21", "RFC 3394 4.6");
    const un = await subtle.unwrapKey("raw", wrapped, kek256, "AES-KW", "AES-CBC", true, ["decrypt"]);
    eq(un.algorithm.name, "AES-CBC", "unwrapped algorithm");
    eq(un.usages.join(), "decrypt", "unwrapped usages");
    eqHex(await subtle.exportKey("raw", un), "00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F", "unwrapped key");
    const bad = new Uint8Array(wrapped);
    bad[5] ^= 1;
    await rejects(subtle.unwrapKey("raw", bad, kek256, "AES-KW", "AES-CBC", true, ["decrypt"]), "OperationError", "tampered wrapped key");
    await rejects(subtle.encrypt("AES-KW", kek256, new Uint8Array(16)), "NotSupportedError", "AES-KW encrypt");
    const nx = await subtle.importKey("raw", new Uint8Array(16), "AES-GCM", false, ["encrypt"]);
    await rejects(subtle.wrapKey("raw", nx, kek256, "AES-KW"), "InvalidAccessError", "wrapping a non-extractable key");
    // A JWK wrapped with AES-GCM and unwrapped again.
    const gk = await subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["wrapKey", "unwrapKey"]);
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const hk = await subtle.generateKey({ name: "HMAC", hash: "SHA-256" }, true, ["sign", "verify"]);
    const w = await subtle.wrapKey("jwk", hk, gk, { name: "AES-GCM", iv });
    const hk2 = await subtle.unwrapKey("jwk", w, gk, { name: "AES-GCM", iv }, { name: "HMAC", hash: "SHA-256" }, true, ["verify"]);
    eq(toHex(await subtle.exportKey("raw", hk2)), toHex(await subtle.exportKey("raw", hk)), "jwk wrap round trip");
  },
};

export const aesGenerateRoundTrips = {
  async test() {
    for (const name of ["AES-GCM", "AES-CBC", "AES-CTR", "AES-KW"]) {
      for (const length of [128, 192, 256]) {
        const usages = name === "AES-KW" ? ["wrapKey", "unwrapKey"] : ["encrypt", "decrypt"];
        const k = await subtle.generateKey({ name, length }, true, usages);
        eq(k.algorithm.length, length, `${name}-${length} length`);
        const raw = await subtle.exportKey("raw", k);
        eq(raw.byteLength, length / 8, `${name}-${length} raw length`);
        const jwk = await subtle.exportKey("jwk", k);
        eq(jwk.alg, `A${length}${name.slice(4)}`, `${name}-${length} jwk.alg`);
        const k2 = await subtle.importKey("jwk", jwk, name, true, usages);
        eq(toHex(await subtle.exportKey("raw", k2)), toHex(raw), `${name}-${length} jwk round trip`);
      }
      await rejects(subtle.generateKey({ name, length: 64 }, true, name === "AES-KW" ? ["wrapKey"] : ["encrypt"]), "OperationError", `${name}-64`);
    }
    const k = await subtle.generateKey({ name: "AES-GCM", length: 128 }, false, ["encrypt", "decrypt"]);
    const msg = utf8("round trip through AES-GCM");
    const iv = crypto.getRandomValues(new Uint8Array(16));
    const c = await subtle.encrypt({ name: "AES-GCM", iv, tagLength: 128 }, k, msg);
    eq(toHex(await subtle.decrypt({ name: "AES-GCM", iv }, k, c)), toHex(msg), "16-byte iv round trip");
    await rejects(subtle.exportKey("jwk", k), "InvalidAccessError", "jwk export of a non-extractable key");
  },
};

// ---- ECDSA: RFC 6979 A.2.5 (P-256, SHA-256, message "sample") ----
const p256 = {
  d: "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721",
  x: "60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6",
  y: "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299",
  r: "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716",
  s: "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8",
};
export const ecdsaKnownAnswer = {
  async test() {
    const jwk = { kty: "EC", crv: "P-256", x: b64url(hex(p256.x)), y: b64url(hex(p256.y)) };
    const pub = await subtle.importKey("jwk", jwk, { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]);
    eq(pub.type, "public", "type");
    eq(pub.algorithm.namedCurve, "P-256", "namedCurve");
    const sig = hex(p256.r + p256.s);
    const msg = utf8("sample");
    eq(await subtle.verify({ name: "ECDSA", hash: "SHA-256" }, pub, sig, msg), true, "RFC 6979 A.2.5 signature verifies");
    eq(await subtle.verify({ name: "ECDSA", hash: "SHA-256" }, pub, sig, utf8("samplf")), false, "wrong message");
    eq(await subtle.verify({ name: "ECDSA", hash: "SHA-384" }, pub, sig, msg), false, "wrong hash");
    eq(await subtle.verify({ name: "ECDSA", hash: "SHA-256" }, pub, sig.slice(1), msg), false, "short signature");
    // The same key through raw and spki.
    const raw = await subtle.exportKey("raw", pub);
    eqHex(raw, "04" + p256.x + p256.y, "raw export");
    const spki = await subtle.exportKey("spki", pub);
    const pub2 = await subtle.importKey("spki", spki, { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]);
    eq(await subtle.verify({ name: "ECDSA", hash: "SHA-256" }, pub2, sig, msg), true, "verify after spki round trip");
    const pub3 = await subtle.importKey("raw", raw, { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]);
    eq(await subtle.verify({ name: "ECDSA", hash: "SHA-256" }, pub3, sig, msg), true, "verify after raw round trip");
    // The private key: jwk in, pkcs8 and jwk out, signatures that verify.
    const priv = await subtle.importKey("jwk", { ...jwk, d: b64url(hex(p256.d)) }, { name: "ECDSA", namedCurve: "P-256" }, true, ["sign"]);
    eq(priv.type, "private", "private type");
    const s2 = await subtle.sign({ name: "ECDSA", hash: "SHA-256" }, priv, msg);
    eq(s2.byteLength, 64, "P1363 signature length");
    eq(await subtle.verify({ name: "ECDSA", hash: "SHA-256" }, pub, s2, msg), true, "our signature verifies");
    const pkcs8 = await subtle.exportKey("pkcs8", priv);
    const priv2 = await subtle.importKey("pkcs8", pkcs8, { name: "ECDSA", namedCurve: "P-256" }, true, ["sign"]);
    const j2 = await subtle.exportKey("jwk", priv2);
    eq(j2.d, b64url(hex(p256.d)), "d after a pkcs8 round trip");
    eq(j2.x, jwk.x, "x after a pkcs8 round trip");
    await rejects(subtle.importKey("jwk", { ...jwk, d: b64url(hex(p256.r)) }, { name: "ECDSA", namedCurve: "P-256" }, true, ["sign"]), "DataError", "d that does not match x, y");
    await rejects(subtle.importKey("spki", spki, { name: "ECDSA", namedCurve: "P-384" }, true, ["verify"]), "DataError", "P-256 spki as P-384");
    await rejects(subtle.importKey("raw", raw.slice(1), { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]), "DataError", "raw without the 04 prefix");
    // The y of A.2.5's public key is odd, so its compressed form starts with 03 (SEC 1, 2.3.3).
    const compressed = await subtle.importKey("raw", hex("03" + p256.x), { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]);
    eqHex(await subtle.exportKey("raw", compressed), "04" + p256.x + p256.y, "a compressed point is decompressed");
    await rejects(subtle.importKey("raw", hex("02" + "ff".repeat(32)), { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]), "DataError", "compressed x not below the field prime");
    await rejects(subtle.importKey("raw", raw, { name: "ECDSA", namedCurve: "P-256" }, true, ["sign"]), "SyntaxError", "public key with sign usage");
    await rejects(subtle.importKey("raw", raw, { name: "ECDSA", namedCurve: "P-192" }, true, ["verify"]), "NotSupportedError", "P-192");
    await rejects(subtle.exportKey("raw", priv), "InvalidAccessError", "raw export of a private key");
    await rejects(subtle.exportKey("spki", priv), "InvalidAccessError", "spki export of a private key");
    await rejects(subtle.sign({ name: "ECDSA", hash: "SHA-256" }, pub, msg), "InvalidAccessError", "sign with a public key");
    await rejects(subtle.importKey("pkcs8", new Uint8Array([48, 3, 2, 1, 0]), { name: "ECDSA", namedCurve: "P-256" }, true, ["sign"]), "DataError", "malformed pkcs8");
  },
};

export const ecdsaGenerateAllCurves = {
  async test() {
    for (const [namedCurve, size, hash] of [["P-256", 32, "SHA-256"], ["P-384", 48, "SHA-384"], ["P-521", 66, "SHA-512"]]) {
      const { publicKey, privateKey } = await subtle.generateKey({ name: "ECDSA", namedCurve }, false, ["sign", "verify"]);
      eq(publicKey.extractable, true, `${namedCurve} public key is extractable`);
      eq(privateKey.extractable, false, `${namedCurve} private key is not`);
      eq(publicKey.usages.join(), "verify", `${namedCurve} public usages`);
      eq(privateKey.usages.join(), "sign", `${namedCurve} private usages`);
      const msg = utf8(`hello ${namedCurve}`);
      const sig = await subtle.sign({ name: "ECDSA", hash }, privateKey, msg);
      eq(sig.byteLength, 2 * size, `${namedCurve} signature length`);
      eq(await subtle.verify({ name: "ECDSA", hash }, publicKey, sig, msg), true, `${namedCurve} verify`);
      const jwk = await subtle.exportKey("jwk", publicKey);
      eq(jwk.crv, namedCurve, "jwk.crv");
      const back = await subtle.importKey("jwk", jwk, { name: "ECDSA", namedCurve }, true, ["verify"]);
      eq(await subtle.verify({ name: "ECDSA", hash }, back, sig, msg), true, `${namedCurve} verify after jwk round trip`);
    }
    await rejects(subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]), "SyntaxError", "no private usage");
  },
};

// ---- ECDH: RFC 5903 section 8.1 (256-bit random ECP group) ----
export const ecdhKnownAnswer = {
  async test() {
    const alg = { name: "ECDH", namedCurve: "P-256" };
    const i = "C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433";
    const gix = "DAD0B65394221CF9B051E1FECA5787D098DFE637FC90B9EF945D0C3772581180";
    const giy = "5271A0461CDB8252D61F1C456FA3E59AB1F45B33ACCF5F58389E0577B8990BB3";
    const grx = "D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF63";
    const gry = "56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB";
    const girx = "D6840F6B42F6EDAFD13116E0E12565202FEF8E9ECE7DCE03812464D04B9442DE";
    const priv = await subtle.importKey("jwk", { kty: "EC", crv: "P-256", d: b64url(hex(i)), x: b64url(hex(gix)), y: b64url(hex(giy)) }, alg, false, ["deriveBits", "deriveKey"]);
    const peer = await subtle.importKey("raw", hex("04" + grx + gry), alg, true, []);
    eq(peer.usages.length, 0, "public ECDH key has no usages");
    eqHex(await subtle.deriveBits({ name: "ECDH", public: peer }, priv, 256), girx, "shared secret");
    eqHex(await subtle.deriveBits({ name: "ECDH", public: peer }, priv, null), girx, "shared secret, null length");
    eqHex(await subtle.deriveBits({ name: "ECDH", public: peer }, priv, 12), girx.slice(0, 2) + "80", "first 12 bits");
    const k = await subtle.deriveKey({ name: "ECDH", public: peer }, priv, { name: "AES-GCM", length: 128 }, true, ["encrypt"]);
    eqHex(await subtle.exportKey("raw", k), girx.slice(0, 32), "deriveKey takes the first 128 bits");
    await rejects(subtle.deriveBits({ name: "ECDH", public: peer }, priv, 264), "OperationError", "more bits than the secret");
    const other = await subtle.generateKey({ name: "ECDH", namedCurve: "P-384" }, true, ["deriveBits"]);
    await rejects(subtle.deriveBits({ name: "ECDH", public: other.publicKey }, priv, 256), "InvalidAccessError", "P-384 public with a P-256 private key");
    await rejects(subtle.deriveBits({ name: "ECDH", public: priv }, priv, 256), "InvalidAccessError", "private key as public");
    const ecdsa = await subtle.importKey("raw", hex("04" + grx + gry), { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]);
    await rejects(subtle.deriveBits({ name: "ECDH", public: ecdsa }, priv, 256), "InvalidAccessError", "ECDSA public key");
    // Two generated P-521 pairs agree.
    const a = await subtle.generateKey({ name: "ECDH", namedCurve: "P-521" }, true, ["deriveBits"]);
    const b = await subtle.generateKey({ name: "ECDH", namedCurve: "P-521" }, true, ["deriveBits"]);
    const ab = await subtle.deriveBits({ name: "ECDH", public: b.publicKey }, a.privateKey, 528);
    const ba = await subtle.deriveBits({ name: "ECDH", public: a.publicKey }, b.privateKey, 528);
    eq(toHex(ab), toHex(ba), "P-521 agreement");
    const pk8 = await subtle.exportKey("pkcs8", a.privateKey);
    const a2 = await subtle.importKey("pkcs8", pk8, { name: "ECDH", namedCurve: "P-521" }, false, ["deriveBits"]);
    eq(toHex(await subtle.deriveBits({ name: "ECDH", public: b.publicKey }, a2, 528)), toHex(ab), "agreement after pkcs8 round trip");
  },
};

// ---- Ed25519: RFC 8032 section 7.1, TEST 1 and TEST 2 ----
export const ed25519KnownAnswers = {
  async test() {
    const cases = [
      ["9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"],
      ["4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb", "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"],
    ];
    for (const [d, x, msg, want] of cases) {
      const priv = await subtle.importKey("jwk", { kty: "OKP", crv: "Ed25519", d: b64url(hex(d)), x: b64url(hex(x)) }, "Ed25519", true, ["sign"]);
      eqHex(await subtle.sign("Ed25519", priv, hex(msg)), want, `RFC 8032 signature of "${msg}"`);
      const pub = await subtle.importKey("raw", hex(x), { name: "ed25519" }, true, ["verify"]);
      eq(await subtle.verify("Ed25519", pub, hex(want), hex(msg)), true, "verify");
      eq(await subtle.verify("Ed25519", pub, hex(want), hex("00" + msg)), false, "verify another message");
      const pk8 = await subtle.exportKey("pkcs8", priv);
      const priv2 = await subtle.importKey("pkcs8", pk8, "Ed25519", true, ["sign"]);
      eqHex(await subtle.sign("Ed25519", priv2, hex(msg)), want, "sign after pkcs8 round trip");
      const spki = await subtle.exportKey("spki", pub);
      const pub2 = await subtle.importKey("spki", spki, "Ed25519", true, ["verify"]);
      eqHex(await subtle.exportKey("raw", pub2), x, "raw after spki round trip");
      const j = await subtle.exportKey("jwk", priv2);
      eq(j.d, b64url(hex(d)), "jwk.d");
      eq(j.x, b64url(hex(x)), "jwk.x");
    }
    const { publicKey, privateKey } = await subtle.generateKey("Ed25519", true, ["sign", "verify"]);
    const sig = await subtle.sign("Ed25519", privateKey, utf8("x"));
    eq(await subtle.verify("Ed25519", publicKey, sig, utf8("x")), true, "generated pair");
    await rejects(subtle.importKey("raw", new Uint8Array(31), "Ed25519", true, ["verify"]), "DataError", "31-byte public key");
    await rejects(subtle.importKey("raw", new Uint8Array(32), "Ed25519", true, ["sign"]), "SyntaxError", "raw public key for sign");
    await rejects(subtle.importKey("spki", await subtle.exportKey("spki", publicKey), "X25519", true, []), "DataError", "Ed25519 spki as X25519");
  },
};

// ---- X25519: RFC 7748 section 6.1 ----
export const x25519KnownAnswer = {
  async test() {
    const alicePriv = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
    const alicePub = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
    const bobPriv = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
    const bobPub = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
    const shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
    const a = await subtle.importKey("jwk", { kty: "OKP", crv: "X25519", d: b64url(hex(alicePriv)), x: b64url(hex(alicePub)) }, "X25519", true, ["deriveBits"]);
    const b = await subtle.importKey("raw", hex(bobPub), "X25519", true, []);
    eqHex(await subtle.deriveBits({ name: "X25519", public: b }, a, 256), shared, "Alice's shared secret");
    const bp = await subtle.importKey("jwk", { kty: "OKP", crv: "X25519", d: b64url(hex(bobPriv)), x: b64url(hex(bobPub)) }, "X25519", true, ["deriveBits"]);
    const ap = await subtle.importKey("spki", await subtle.exportKey("spki", await subtle.importKey("raw", hex(alicePub), "X25519", true, [])), "X25519", true, []);
    eqHex(await subtle.deriveBits({ name: "X25519", public: ap }, bp, null), shared, "Bob's shared secret (after spki round trip)");
    const a2 = await subtle.importKey("pkcs8", await subtle.exportKey("pkcs8", a), "X25519", false, ["deriveKey"]);
    const k = await subtle.deriveKey({ name: "X25519", public: b }, a2, { name: "HMAC", hash: "SHA-256", length: 256 }, true, ["sign"]);
    eqHex(await subtle.exportKey("raw", k), shared, "deriveKey to HMAC");
    const zero = await subtle.importKey("raw", new Uint8Array(32), "X25519", true, []);
    await rejects(subtle.deriveBits({ name: "X25519", public: zero }, a, 256), "OperationError", "all-zero shared secret (low-order point)");
    await rejects(subtle.importKey("jwk", { kty: "OKP", crv: "X25519", d: b64url(hex(bobPriv)), x: b64url(hex(alicePub)) }, "X25519", true, ["deriveBits"]), "DataError", "d that does not match x");
  },
};

// ---- RSA: RSA Laboratories' PKCS #1 v2.1 test vectors (pkcs-1v2-1-vec):
// pss-vect.txt Example 1 (the key; also in Go's crypto/rsa/testdata),
// pkcs1v15sign-vectors.txt Example 1.1, pss-vect.txt Example 1.1 and
// oaep-vect.txt Example 1.1. ----
const rsaKey1 = {
  n: "a56e4a0e701017589a5187dc7ea841d156f2ec0e36ad52a44dfeb1e61f7ad991d8c51056ffedb162b4c0f283a12a88a394dff526ab7291cbb307ceabfce0b1dfd5cd9508096d5b2b8b6df5d671ef6377c0921cb23c270a70e2598e6ff89d19f105acc2d3f0cb35f29280e1386b6f64c4ef22e1e1f20d0ce8cffb2249bd9a2137",
  e: "010001",
  d: "33a5042a90b27d4f5451ca9bbbd0b44771a101af884340aef9885f2a4bbe92e894a724ac3c568c8f97853ad07c0266c8c6a3ca0929f1e8f11231884429fc4d9ae55fee896a10ce707c3ed7e734e44727a39574501a532683109c2abacaba283c31b4bd2f53c3ee37e352cee34f9e503bd80c0622ad79c6dcee883547c6a3b325",
  p: "e7e8942720a877517273a356053ea2a1bc0c94aa72d55c6e86296b2dfc967948c0a72cbccca7eacb35706e09a1df55a1535bd9b3cc34160b3b6dcd3eda8e6443",
  q: "b69dca1cf7d4d7ec81e75b90fcca874abcde123fd2700180aa90479b6e48de8d67ed24f9f19d85ba275874f542cd20dc723e6963364a1f9425452b269a6799fd",
  dp: "28fa13938655be1f8a159cbaca5a72ea190c30089e19cd274a556f36c4f6e19f554b34c077790427bbdd8dd3ede2448328f385d81b30e8e43b2fffa027861979",
  dq: "1a8b38f398fa712049898d7fb79ee0a77668791299cdfa09efc0e507acb21ed74301ef5bfd48be455eaeb6e1678255827580a8e4e8e14151d1510a82a3f2e729",
  qi: "27156aba4126d24a81f3a528cbfb27f56886f840a9f6e86e17a44b94fe9319584b8e22fdde1e5a2e3bd8aa5ba8d8584194eb2190acf832b847f13a3d24a79f4d",
};
const rsaMsg11 =
  "cdc87da223d786df3b45e0bbbc721326d1ee2af806cc315475cc6f0d9c66e1b62371d45ce2392e1ac92844c310102f156a0d8d52c1f4c40ba3aa65095786cb769757a6563ba958fed0bcc984e8b517a3d5f515b23b8a41e74aa867693f90dfb061a6e86dfaaee64472c00e5f20945729cbebe77f06ce78e08f4098fba41f9d6193c0317e8b60d4b6084acb42d29e3808a3bc372d85e331170fcbf7cc72d0b71c296648b3a4d10f416295d0807aa625cab2744fd9ea8fd223c42537029828bd16be02546f130fd2e33b936d2676e08aed1b73318b750a0167d0";

function rsaJWK(k, priv) {
  const j = { kty: "RSA", n: b64url(hex(k.n)), e: b64url(hex(k.e)) };
  if (priv) for (const f of ["d", "p", "q", "dp", "dq", "qi"]) j[f] = b64url(hex(k[f]));
  return j;
}

export const rsassaPkcs1KnownAnswer = {
  async test() {
    const alg = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-1" };
    const want =
      "6bc3a06656842930a247e30d5864b4d819236ba7c68965862ad7dbc4e24af28e86bb531f03358be5fb74777c6086f850caef893f0d6fcc2d0c91ec013693b4ea00b80cd49aac4ecb5f8911afe539ada4a8f3823d1d13e472d1490547c659c7617f3d24087ddb6f2b72096167fc097cab18e9a458fcb634cdce8ee35894c484d7";
    const priv = await subtle.importKey("jwk", rsaJWK(rsaKey1, true), alg, true, ["sign"]);
    eq(priv.algorithm.modulusLength, 1024, "modulusLength");
    eq(toHex(priv.algorithm.publicExponent), "010001", "publicExponent");
    eq(priv.algorithm.hash.name, "SHA-1", "hash");
    eqHex(await subtle.sign(alg, priv, hex(rsaMsg11)), want, "PKCS #1 v1.5 Signature Example 1.1");
    const pub = await subtle.importKey("jwk", rsaJWK(rsaKey1, false), alg, true, ["verify"]);
    eq(await subtle.verify(alg, pub, hex(want), hex(rsaMsg11)), true, "verify Example 1.1");
    eq(await subtle.verify(alg, pub, hex(want), hex(rsaMsg11.slice(2))), false, "verify another message");
    // pkcs8 / spki / jwk round trips keep the key.
    const priv2 = await subtle.importKey("pkcs8", await subtle.exportKey("pkcs8", priv), alg, true, ["sign"]);
    eqHex(await subtle.sign(alg, priv2, hex(rsaMsg11)), want, "sign after pkcs8 round trip");
    const pub2 = await subtle.importKey("spki", await subtle.exportKey("spki", pub), alg, true, ["verify"]);
    eq(await subtle.verify(alg, pub2, hex(want), hex(rsaMsg11)), true, "verify after spki round trip");
    const j = await subtle.exportKey("jwk", priv2);
    eq(j.alg, "RS1", "jwk.alg");
    for (const f of ["n", "e", "d", "p", "q", "dp", "dq", "qi"]) eq(j[f], rsaJWK(rsaKey1, true)[f], `jwk.${f}`);
    await rejects(subtle.importKey("jwk", { ...rsaJWK(rsaKey1, false), alg: "RS256" }, alg, true, ["verify"]), "DataError", "jwk alg RS256 for SHA-1");
    await rejects(subtle.importKey("jwk", { ...rsaJWK(rsaKey1, true), d: b64url(hex(rsaKey1.p)) }, alg, true, ["sign"]), "DataError", "inconsistent private key");
    await rejects(subtle.importKey("raw", hex(rsaKey1.n), alg, true, ["verify"]), "NotSupportedError", "raw RSA key");
    await rejects(subtle.importKey("spki", hex("3000"), alg, true, ["verify"]), "DataError", "malformed spki");
  },
};

export const rsaPssKnownAnswer = {
  async test() {
    const sig =
      "9074308fb598e9701b2294388e52f971faac2b60a5145af185df5287b5ed2887e57ce7fd44dc8634e407c8e0e4360bc226f3ec227f9d9e54638e8d31f5051215df6ebb9c2f9579aa77598a38f914b5b9c1bd83c4e2f9f382a0d0aa3542ffee65984a601bc69eb28deb27dca12c82c2d4c3f66cd500f1ff2b994d8a4e30cbb33c";
    const pub = await subtle.importKey("jwk", rsaJWK(rsaKey1, false), { name: "RSA-PSS", hash: "SHA-1" }, true, ["verify"]);
    eq(await subtle.verify({ name: "RSA-PSS", saltLength: 20 }, pub, hex(sig), hex(rsaMsg11)), true, "RSASSA-PSS Signature Example 1.1");
    eq(await subtle.verify({ name: "RSA-PSS", saltLength: 32 }, pub, hex(sig), hex(rsaMsg11)), false, "wrong saltLength");
    const priv = await subtle.importKey("jwk", rsaJWK(rsaKey1, true), { name: "RSA-PSS", hash: "SHA-1" }, false, ["sign"]);
    const mine = await subtle.sign({ name: "RSA-PSS", saltLength: 20 }, priv, hex(rsaMsg11));
    eq(await subtle.verify({ name: "RSA-PSS", saltLength: 20 }, pub, mine, hex(rsaMsg11)), true, "our PSS signature verifies");
    await rejects(subtle.verify("RSA-PSS", pub, hex(sig), hex(rsaMsg11)), "TypeError", "missing saltLength");
    await rejects(subtle.verify({ name: "RSASSA-PKCS1-v1_5" }, pub, hex(sig), hex(rsaMsg11)), "InvalidAccessError", "PKCS1 verify with a PSS key");
  },
};

export const rsaOaepKnownAnswer = {
  async test() {
    // oaep-vect.txt Example 1 key and Encryption Example 1.1 (SHA-1, empty label).
    const key = {
      n: "a8b3b284af8eb50b387034a860f146c4919f318763cd6c5598c8ae4811a1e0abc4c7e0b082d693a5e7fced675cf4668512772c0cbc64a742c6c630f533c8cc72f62ae833c40bf25842e984bb78bdbf97c0107d55bdb662f5c4e0fab9845cb5148ef7392dd3aaff93ae1e6b667bb3d4247616d4f5ba10d4cfd226de88d39f16fb",
      e: "010001",
      d: "53339cfdb79fc8466a655c7316aca85c55fd8f6dd898fdaf119517ef4f52e8fd8e258df93fee180fa0e4ab29693cd83b152a553d4ac4d1812b8b9fa5af0e7f55fe7304df41570926f3311f15c4d65a732c483116ee3d3d2d0af3549ad9bf7cbfb78ad884f84d5beb04724dc7369b31def37d0cf539e9cfcdd3de653729ead5d1",
      p: "d32737e7267ffe1341b2d5c0d150a81b586fb3132bed2f8d5262864a9cb9f30af38be448598d413a172efb802c21acf1c11c520c2f26a471dcad212eac7ca39d",
      q: "cc8853d1d54da630fac004f471f281c7b8982d8224a490edbeb33d3e3d5cc93c4765703d1dd791642f1f116a0dd852be2419b2af72bfe9a030e860b0288b5d77",
      dp: "0e12bf1718e9cef5599ba1c3882fe8046a90874eefce8f2ccc20e4f2741fb0a33a3848aec9c9305fbecbd2d76819967d4671acc6431e4037968db37878e695c1",
      dq: "95297b0f95a2fa67d00707d609dfd4fc05c89dafc2ef6d6ea55bec771ea333734d9251e79082ecda866efef13c459e1a631386b7e354c899f5f112ca85d71583",
      qi: "4f456c502493bdc0ed2ab756a3a6ed4d67352a697d4216e93212b127a63d5411ce6fa98d5dbefd73263e3728142743818166ed7dd63687dd2a8ca1d2f4fbd8e1",
    };
    const message = "6628194e12073db03ba94cda9ef9532397d50dba79b987004afefe34";
    const encrypted =
      "354fe67b4a126d5d35fe36c777791a3f7ba13def484e2d3908aff722fad468fb21696de95d0be911c2d3174f8afcc201035f7b6d8e69402de5451618c21a535fa9d7bfc5b8dd9fc243f8cf927db31322d6e881eaa91a996170e657a05a266426d98c88003f8477c1227094a0d9fa1e8c4024309ce1ecccb5210035d47ac72e8a";
    const alg = { name: "RSA-OAEP", hash: "SHA-1" };
    const priv = await subtle.importKey("jwk", rsaJWK(key, true), alg, false, ["decrypt", "unwrapKey"]);
    eqHex(await subtle.decrypt("RSA-OAEP", priv, hex(encrypted)), message, "RSAES-OAEP Encryption Example 1.1");
    await rejects(subtle.decrypt({ name: "RSA-OAEP", label: utf8("x") }, priv, hex(encrypted)), "OperationError", "wrong label");
    const pub = await subtle.importKey("jwk", rsaJWK(key, false), alg, true, ["encrypt", "wrapKey"]);
    const label = utf8("a label");
    const c = await subtle.encrypt({ name: "RSA-OAEP", label }, pub, hex(message));
    eqHex(await subtle.decrypt({ name: "RSA-OAEP", label }, priv, c), message, "round trip with a label");
    await rejects(subtle.encrypt("RSA-OAEP", pub, new Uint8Array(100)), "OperationError", "message too long");
    await rejects(subtle.importKey("jwk", rsaJWK(key, false), alg, true, ["decrypt"]), "SyntaxError", "public key with decrypt");
    // Wrap an AES key with RSA-OAEP.
    const aes = await subtle.importKey("raw", hex(sp38aKey), "AES-CBC", true, ["encrypt"]);
    const w = await subtle.wrapKey("raw", aes, pub, "RSA-OAEP");
    const back = await subtle.unwrapKey("raw", w, priv, "RSA-OAEP", "AES-CBC", true, ["encrypt"]);
    eqHex(await subtle.exportKey("raw", back), sp38aKey, "RSA-OAEP wrap round trip");
  },
};

export const rsaGenerateKey = {
  async test() {
    const p = subtle.generateKey({ name: "RSA-PSS", modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, true, ["sign", "verify"]);
    eq(p instanceof Promise, true, "generateKey returns a promise");
    const { publicKey, privateKey } = await p;
    eq(publicKey.algorithm.modulusLength, 1024, "modulusLength");
    eq(publicKey.algorithm.publicExponent instanceof Uint8Array, true, "publicExponent is a Uint8Array");
    eq(publicKey.algorithm.hash.name, "SHA-256", "hash");
    const msg = utf8("hello");
    const sig = await subtle.sign({ name: "RSA-PSS", saltLength: 32 }, privateKey, msg);
    eq(sig.byteLength, 128, "signature length");
    eq(await subtle.verify({ name: "RSA-PSS", saltLength: 32 }, publicKey, sig, msg), true, "verify");
    const jwk = await subtle.exportKey("jwk", privateKey);
    eq(jwk.alg, "PS256", "jwk.alg");
    const again = await subtle.importKey("jwk", jwk, { name: "RSA-PSS", hash: "SHA-256" }, true, ["sign"]);
    const sig2 = await subtle.sign({ name: "RSA-PSS", saltLength: 32 }, again, msg);
    eq(await subtle.verify({ name: "RSA-PSS", saltLength: 32 }, publicKey, sig2, msg), true, "verify after jwk round trip");
    await rejects(subtle.generateKey({ name: "RSA-OAEP", modulusLength: 1024, publicExponent: new Uint8Array([5]), hash: "SHA-256" }, true, ["encrypt", "decrypt"]), "OperationError", "exponent 5 (only 3 and 65537 are generated)");
    await rejects(subtle.generateKey({ name: "RSA-OAEP", modulusLength: 512, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, true, ["encrypt", "decrypt"]), "OperationError", "512-bit modulus");
    await rejects(subtle.generateKey({ name: "RSA-OAEP", modulusLength: 1024, publicExponent: [1, 0, 1], hash: "SHA-256" }, true, ["encrypt", "decrypt"]), "TypeError", "publicExponent not a Uint8Array");
  },
};

export const keySlotsArePrivate = {
  async test() {
    const k = await subtle.importKey("raw", hex(sp38aKey), "AES-GCM", false, ["encrypt"]);
    eq(Object.getOwnPropertySymbols(k).length, 0, "no symbol-keyed slots to rewrite");
    eq(Object.getOwnPropertyNames(k).length, 0, "no own properties");
    k.algorithm.name = "AES-CBC";
    await rejects(subtle.encrypt({ name: "AES-CBC", iv: new Uint8Array(16) }, k, new Uint8Array(16)), "InvalidAccessError", "a renamed algorithm does not change the key");
    eq(Object.isFrozen(k.usages), true, "usages are frozen");
    const fake = Object.create(CryptoKey.prototype);
    await rejects(subtle.exportKey("raw", fake), "TypeError", "a CryptoKey-like object");
    let threw = false;
    try {
      Object.getOwnPropertyDescriptor(CryptoKey.prototype, "type").get.call(fake);
    } catch (e) {
      threw = e instanceof TypeError;
    }
    eq(threw, true, "type getter on a fake key");
    await rejects(subtle.exportKey("raw", k), "InvalidAccessError", "non-extractable");
  },
};

export const everyMethodRejectsInsteadOfThrowing = {
  async test() {
    for (const m of ["digest", "generateKey", "importKey", "exportKey", "sign", "verify", "encrypt", "decrypt", "deriveBits", "deriveKey", "wrapKey", "unwrapKey"]) {
      await rejects(subtle[m](), "TypeError", `${m}() with no arguments`);
      await rejects(SubtleCrypto.prototype[m].call(null), "TypeError", `${m} on null`);
    }
    eq(subtle.deriveBits.length, 2, "deriveBits.length");
    eq(subtle.unwrapKey.length, 7, "unwrapKey.length");
    await rejects(subtle.importKey("pem", new Uint8Array(1), "AES-GCM", true, ["encrypt"]), "TypeError", "unknown key format");
  },
};

export const survivesPatchedBuiltins = {
  async test() {
    const iter = Array.prototype[Symbol.iterator];
    const push = Array.prototype.push;
    const stringify = JSON.stringify;
    const k = await subtle.importKey("raw", hex(sp38aKey), "AES-CTR", true, ["encrypt"]);
    Array.prototype[Symbol.iterator] = function () {
      throw new Error("patched iterator");
    };
    Array.prototype.push = function () {
      throw new Error("patched push");
    };
    JSON.stringify = () => "{}";
    try {
      const c = await subtle.encrypt({ name: "AES-CTR", counter: hex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"), length: 128 }, k, hex(sp38aP.slice(0, 32)));
      eqHex(c, "874d6191b620e3261bef6864990db6ce", "AES-CTR with patched built-ins");
      eqHex(await subtle.digest("SHA-1", new Uint8Array(0)), "da39a3ee5e6b4b0d3255bfef95601890afd80709", "SHA-1 of nothing (FIPS 180 / RFC 3174)");
    } finally {
      Array.prototype[Symbol.iterator] = iter;
      Array.prototype.push = push;
      JSON.stringify = stringify;
    }
  },
};

export const largeDataCrossesInBulk = {
  async test() {
    // 3 MiB: more than the 1 MiB scratch buffer each way.
    const big = new Uint8Array(3 << 20);
    for (let i = 0; i < big.length; i += 65536) crypto.getRandomValues(big.subarray(i, i + 65536));
    const k = await subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const c = await subtle.encrypt({ name: "AES-GCM", iv }, k, big);
    eq(c.byteLength, big.length + 16, "ciphertext length");
    const p = new Uint8Array(await subtle.decrypt({ name: "AES-GCM", iv }, k, c));
    eq(p.length, big.length, "plaintext length");
    for (let i = 0; i < big.length; i += 4099) if (p[i] !== big[i]) throw new Error(`byte ${i} differs after the round trip`);
    eq(toHex(await subtle.digest("SHA-256", p)), toHex(await subtle.digest("SHA-256", big)), "digests agree");
  },
};
