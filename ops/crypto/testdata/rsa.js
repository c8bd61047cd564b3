// Cases for the RSA parts of crypto.subtle that Go's crypto/rsa does not
// cover by itself, run by rsa_test.go: RSA-PSS with saltLength 0 (signed
// in pss.go), verify taking only the salt length asked for, saltLength
// limits, keys with public exponents 3 and 17, and the key size limits.
// The keys and known answers are OpenSSL's: testdata/rsa/make.sh says how
// they were made.

import { hex, toHex, b64url, eq, eqHex, rejects } from "./helpers.js";

const subtle = crypto.subtle;

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// b64 decodes standard base64 (a PEM body).
function b64(s) {
  s = s.replace(/[\s=]+/g, "");
  const out = new Uint8Array(Math.floor((s.length * 6) / 8));
  let acc = 0;
  let bits = 0;
  let j = 0;
  for (const ch of s) {
    const v = B64.indexOf(ch);
    if (v < 0) throw new Error(`not base64: ${ch}`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[j++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

// The message of answers.txt ("worky: deterministic RSA PKCS #1 sig"),
// and the one of pss-vect.txt Example 1.1 for the pss-vect-1 key.
const msg = hex("776f726b793a2064657465726d696e69737469632052534120504b435320233120736967");
const vectMsg = hex(
  "cdc87da223d786df3b45e0bbbc721326d1ee2af806cc315475cc6f0d9c66e1b62371d45ce2392e1ac92844c310102f156a0d8d52c1f4c40ba3aa65095786cb769757a6563ba958fed0bcc984e8b517a3d5f515b23b8a41e74aa867693f90dfb061a6e86dfaaee64472c00e5f20945729cbebe77f06ce78e08f4098fba41f9d6193c0317e8b60d4b6084acb42d29e3808a3bc372d85e331170fcbf7cc72d0b71c296648b3a4d10f416295d0807aa625cab2744fd9ea8fd223c42537029828bd16be02546f130fd2e33b936d2676e08aed1b73318b750a0167d0",
);

// The keys of testdata/rsa/*.pem (PKCS #8) and *.pub.pem (SPKI), base64.
const keys = {
  e3: {
    pkcs8:
      "MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDhomSZoZ1Yq3rcokdwCuXX7InzwtqrBf+Cg0ZCVtS9TQSY" +
      "VDj8Agzid5WkKn6oIkY5knGE8JJXDQFgCv33+zm11/K6qrrreN3KwTz6jmRDqTUW4mAU7SPoDkSAiN3izGAvHSoz5emgwtsd" +
      "HRlhlZTz9d2YZSfdK+LmdMRpGQC+mmDQxXrGwpqf9XqlxVpxTgS01QM44u886vbEbj7PlwK+oyhXp8RLl+X7lJYCy1EJaodu" +
      "ieZD+4C7qNr8FcXHlNWK11KwE9Qtx+N4PV7ItqD2oPCucMcI5ry8uLM98JxOwwGvRQQxHB9nDl59+l8pUbTJIp3YABOboYV8" +
      "sXy8MhZjAgEDAoIBAQCWbEMRFmjlx6c9wYT1XJk6nbFNLJHHWVUBrNmBjzh+M1hljXtSrAiW+mPCxv8awYQmYaEDSww6CKuV" +
      "XKlP/NEj5Ux8cdHyUJPcgNNRtELXxiNkluq4nhfwCYMAWz6XMurKE3F37pvAgedovhDruQ33+T5lmMU+HUHu+ILwu1XUZarB" +
      "6lMTWFdUNmh/O2lFs/IJn7vdud5iZ1pJ5ZHNl8P1DsOL+WU/KqbyyxzSfMCZQchSQ2Pxs/ROiC1n3KVm0SLpLBDyp1dPFKxl" +
      "JcqJZSfseNWr70cPQgTy3iCRpZsKjM1ZqUlq2/DYYGHkj163+fMsyd9o9d7w0CJREt0BrCOLAoGBAPE0+BOGE3dCaOmKt9Ms" +
      "QRXYapz95u6c2hnlQRyPH3Vxl0vCDnwpiN5IY+6fL8/TpBR1/bKi7HSJ0KYuUH6ScjLvBk/hLlGznZfUXGCU7Z8drKfO2qZv" +
      "cnYHjfmdiMyUgKdnRCqtbx0q4j3Q4QQt9+3avwLA9ikZKmdWC8ujG3aJAoGBAO947eqjqqBfOvRcNGlcfwPN+sxuZTMMddVw" +
      "VMeME+dddbdDozBDTw1G//wn4GBP48Z9Jx22gR28C/Cx+k8a6O4+Duli6n+Di0kMKE5lsUX2PwhdrzYCkT9I3YjF72cqbyZB" +
      "gutjYxj3m43WQkznYtorNMv5mRwZPuqtCWWWlGqLAoGBAKDN+reut6TW8Juxz+IdgLk68b3+mfRokWaY1hMKFPj2ZN0sCagb" +
      "sJQwQp8UyoqNGA2j/ncXSE2xNcQe4FRhoXdKBDVAyYvNE7qNkusN879pHcU0kcRKTE6vs/u+WzMNqxpE2Bxzn2jHQX6LQK1z" +
      "+p6R1KyApBtmHETkB90XZ6RbAoGBAJ+l8/HCccA/fKLoIvDoVK0z/IhJmMyy+Tj1jdpdYpo+TnotF3WCNLOEqqgalZWKl9mo" +
      "xL55q2koB/XL/DS8m0l+tJuXRv+tB4YIGt7udi6kKgWTyiQBtiowk7CD9O9xn27WV0eXl2X6Z7PkLDNE7JFyIzKmZhK7f0ce" +
      "BkO5uEcHAoGBAKorbiQqHkLMPFdCLeVAakrHczDu7b7Qz35xc15qxwoVQt4Rf2mwCItQpWw7iRUueALqoOC0ZhdhgM6J2dJJ" +
      "nOnWqt640v4Yww7TH45wKsy75T/xGiZlRKA6wlZ9pAWE5uaIxFqQUTQW7bCivrHbP7DN3+UHqVjCl3qLXGFDPgNb",
    spki:
      "MIIBIDANBgkqhkiG9w0BAQEFAAOCAQ0AMIIBCAKCAQEA4aJkmaGdWKt63KJHcArl1+yJ88LaqwX/goNGQlbUvU0EmFQ4/AIM" +
      "4neVpCp+qCJGOZJxhPCSVw0BYAr99/s5tdfyuqq663jdysE8+o5kQ6k1FuJgFO0j6A5EgIjd4sxgLx0qM+XpoMLbHR0ZYZWU" +
      "8/XdmGUn3Svi5nTEaRkAvppg0MV6xsKan/V6pcVacU4EtNUDOOLvPOr2xG4+z5cCvqMoV6fES5fl+5SWAstRCWqHbonmQ/uA" +
      "u6ja/BXFx5TVitdSsBPULcfjeD1eyLag9qDwrnDHCOa8vLizPfCcTsMBr0UEMRwfZw5effpfKVG0ySKd2AATm6GFfLF8vDIW" +
      "YwIBAw==",
  },
  e17: {
    pkcs8:
      "MIICdwIBADANBgkqhkiG9w0BAQEFAASCAmEwggJdAgEAAoGBAMLHx1pzDxtHjCLxGYqY8DFZEKzC0R8Ys+XIQSM5rsNe7jm9" +
      "4p19vgzvBcET4ypAFg4fnoqKbDWMikxgK9+vyhRvd+wqSeKl/ge5oueTKFNH2EheKkxIZMUrgZGzE8AzLKQXd3+GPqrjH5yT" +
      "/AoRcP9TzrJUD/xYAjQbXxl6MuuNAgERAoGBALdSnYJOLFXo/F0fJxkIaZfbWvzzl6TL9JwHxNXb78bv70Vna9+FZ5OzyS4w" +
      "1c1pfitpDa+RVsj8vmYAKUr/zT7EZ0kwf0AU13PbE1LOSEekDDNvxLIPEVtYQ1UzJM8CeEX7JalvJLISRQCPQhJgo/dAi+nr" +
      "kY8ek/VrO83+VqSxAkEA5dYtMmSd7Y65/AXsGrfw3nAWlYix+Qd3fYJWtazQyUvdn3cECMWC40gjOqcZa2qogIFZm0MXzL6U" +
      "nOU+ekMfWwJBANj0ATReEKJKYqTYc31DlksbOyHgnR9a3KA3sHcP03dA/B0od3diKsxuKMEevR9YIB64sC6CPHrGaryKUCGz" +
      "vTcCQQDYURt6uQ0b0Z/8Qc8oNKZ3ABVBcZhx6OjumMoUZmom3f3DQtae2AK3y2xzcBfsoJ6XEFRV5MsbDbkMIw2gPyyRAkEA" +
      "zDDyEyta8xjVT9rHDHvYvyiwH+J1wyhXLWGXBqV7u4h00CYWFgIKKdEXTFkqd9p4lWKHs01mGTM3SAm01GzuUQJBAK/nMeGV" +
      "hb/rkD4P5jdKIMGXotWXQaLXNqEJJPCe1X+qnTotNX1SlreF97wgUVykk602kApq/yMPr7hZbA3MPT0=",
    spki:
      "MIGdMA0GCSqGSIb3DQEBAQUAA4GLADCBhwKBgQDCx8dacw8bR4wi8RmKmPAxWRCswtEfGLPlyEEjOa7DXu45veKdfb4M7wXB" +
      "E+MqQBYOH56Kimw1jIpMYCvfr8oUb3fsKknipf4HuaLnkyhTR9hIXipMSGTFK4GRsxPAMyykF3d/hj6q4x+ck/wKEXD/U86y" +
      "VA/8WAI0G18ZejLrjQIBEQ==",
  },
  e1025: {
    pkcs8:
      "MIICdwIBADANBgkqhkiG9w0BAQEFAASCAmEwggJdAgEAAoGBAZQWTo70dJ0qY51nXU8UWtnw3AxI5Ny/lKIzM4/HZ4A83JcU" +
      "bv6ehlA5BjpPJPz7EhKvYVY5zgFOdDKGGopqODS7Z2S9kf8bMccryV68wdNq7d9ed8+U3VvUVIUP9mYSo3YzJBxsb3NpDIAO" +
      "dnpRQNsFnp5WoPJhf/gnDWCfrFizAgMBAAECgYEAgjDJsL9MDxMIMz+JTaA2QT+b9g1KR2EmRzgN5cYOL7/sJnT76eczSQeG" +
      "XSUAus09nm2JA9nt6HfZcinIxU3Bu0PCpr+XRZcLr0InShAi7H+YLeyit9+S+Bd00TDPdKIBe3mIHhfR0gs1rUSNTqb10HV2" +
      "kVDQxWHyg+Vyi85pAhECQQHeyYVfZnebFIjSh1xd29lCo8mxDMnJ25iJtzXoWvIweyXt8jZCnPbJoHrBQ1d+ZM608Cr61nKk" +
      "Dr1tuy5ShGi5AkEA2A8eDvzG0hgM/lUswFb6Yab/UqY+GxaezhCdDnQ87nZHF5nnbM8OrmLvGX7lnjkn7jJ8DABaDLX2dCK9" +
      "YJS+ywJAX3g3jApWlynFDpXHKUAJVmxqb09pfUK4a92IdkiMOnaT3ZqKj0XVP+csExVmgOGBBjtNlq7kNSprQ1IrrnCQoQJA" +
      "Y2CQstQRnxDw6QrESrO29rOZPKq6ZjtBUAbUNpHAdO5yRKjFiYazegKHd3KmquAfPbB63gpLYQ1RDpnsAUBpgQJBAccUw0V3" +
      "kI7R0mcCbPAG/ZEviY3t9UW6cuLdD8zDQ3yehbBDZPuvEHGmJJAjnXrvthayP+hZKmFY3seAEkEDN/U=",
    spki:
      "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQGUFk6O9HSdKmOdZ11PFFrZ8NwMSOTcv5SiMzOPx2eAPNyXFG7+noZQOQY6" +
      "TyT8+xISr2FWOc4BTnQyhhqKajg0u2dkvZH/GzHHK8levMHTau3fXnfPlN1b1FSFD/ZmEqN2MyQcbG9zaQyADnZ6UUDbBZ6e" +
      "VqDyYX/4Jw1gn6xYswIDAQAB",
  },
  e512: {
    pkcs8:
      "MIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA4vBuyzK3wMXxGDfHbERWFpAa2vV71VNr0zXbm4xMJLyFmg3v" +
      "FHcjAQa9zvVa6Q8q6aEvOWrgjVW8zxlx1lJygwIDAQABAkBa5qnKdL9L1T20UKttv5WoJgLLz+bRVT/sczdLABCD6cqUD35d" +
      "A+KfZU7fWcx9yL4C0gHRJv8j4bz7vYlsfmtBAiEA8xgcOY/sHriB5Qx9SNL8fSn9H5x8sv1aIzZJOky9AuECIQDu/MKhyNL9" +
      "dsD+l0zScF1SlNHSKf65asyxswCOWXqF4wIgSWvUyoXvmO+9O8Lj7CTdYahW7T9EYoMmwE/bGiKnS8ECIQCf3QZY8JxqnkiF" +
      "RTJHRpC2kAQ3AI56+30HlUTW8/XonwIhAMXxVWXz7103ctSE9yBTiHhxr1ILVoa2D5xZYEG9c/rT",
    spki:
      "MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAOLwbssyt8DF8Rg3x2xEVhaQGtr1e9VTa9M125uMTCS8hZoN7xR3IwEGvc71WukP" +
      "KumhLzlq4I1VvM8ZcdZScoMCAwEAAQ==",
  },
  vect1: {
    pkcs8:
      "MIICdQIBADANBgkqhkiG9w0BAQEFAASCAl8wggJbAgEAAoGBAKVuSg5wEBdYmlGH3H6oQdFW8uwONq1SpE3+seYfetmR2MUQ" +
      "Vv/tsWK0wPKDoSqIo5Tf9SarcpHLswfOq/zgsd/VzZUICW1bK4tt9dZx72N3wJIcsjwnCnDiWY5v+J0Z8QWswtPwyzXykoDh" +
      "OGtvZMTvIuHh8g0M6M/7Ikm9miE3AgMBAAECgYAzpQQqkLJ9T1RRypu70LRHcaEBr4hDQK75iF8qS76S6JSnJKw8VoyPl4U6" +
      "0HwCZsjGo8oJKfHo8RIxiEQp/E2a5V/uiWoQznB8PtfnNORHJ6OVdFAaUyaDEJwqusq6KDwxtL0vU8PuN+NSzuNPnlA72AwG" +
      "Iq15xtzuiDVHxqOzJQJBAOfolCcgqHdRcnOjVgU+oqG8DJSqctVcboYpay38lnlIwKcsvMyn6ss1cG4Jod9VoVNb2bPMNBYL" +
      "O23NPtqOZEMCQQC2ncoc99TX7IHnW5D8yodKvN4SP9JwAYCqkEebbkjejWftJPnxnYW6J1h09ULNINxyPmljNkoflCVFKyaa" +
      "Z5n9AkAo+hOThlW+H4oVnLrKWnLqGQwwCJ4ZzSdKVW82xPbhn1VLNMB3eQQnu92N0+3iRIMo84XYGzDo5Dsv/6Anhhl5AkAa" +
      "izjzmPpxIEmJjX+3nuCndmh5EpnN+gnvwOUHrLIe10MB71v9SL5FXq624WeCVYJ1gKjk6OFBUdFRCoKj8ucpAkAnFWq6QSbS" +
      "SoHzpSjL+yf1aIb4QKn26G4XpEuU/pMZWEuOIv3eHlouO9iqW6jYWEGU6yGQrPgyuEfxOj0kp59N",
    spki:
      "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQClbkoOcBAXWJpRh9x+qEHRVvLsDjatUqRN/rHmH3rZkdjFEFb/7bFitMDy" +
      "g6EqiKOU3/Umq3KRy7MHzqv84LHf1c2VCAltWyuLbfXWce9jd8CSHLI8Jwpw4lmOb/idGfEFrMLT8Ms18pKA4Thrb2TE7yLh" +
      "4fINDOjP+yJJvZohNwIDAQAB",
  },
};

// testdata/rsa/answers.txt (made by OpenSSL) and random.txt, in hex.
const answers = {
  // e3-2048.pem pss0 sha256
  e3Pss0SHA256:
      "8f95f50b60f8b3badb72a624e8cbdb1d224d7381bd01acc006e24ca513fc5f5caeedbae63964b71b0950f6bdc9e060e2" +
      "75e6968d2584b5fb0bc5bdad4c8e0e293a2ceeea3a63f0f5fff626912d0b8fe791806b41bbd237d8d3a9850b807a01a6" +
      "637413390f9e5d20215b50c7948a14440880da09cccaad5f66bffc43cf1b99986d670e0a5a5145f5aa06945131a531dd" +
      "33690bfea43a1200b5fd8141fe16235cbe130d63d6c7ad1f5dded4299f76db98e07d5721abdc3bcd09484e8b5053a8d6" +
      "1ea016dde80da495b1ca4a67dd514e6c36bc7ca6c26a0ca559dc1de43a1a849f8f4a09ba802fb96124de2edc8b0cd684" +
      "689f70f7fe3c9fa448a58ed6b62fd05b",
  // e3-2048.pem pkcs1 sha256
  e3Pkcs1SHA256:
      "d06b78cc1ddb16d3ed13d6e340a329820a3580ae88aa39c6f240d6f6c0bf7fa90ad0e85cb117211ed42e8929ca7fb923" +
      "fc81a8ffc484283085906b967e26355ea076c410827e1bf57e6abe1e96de14475e190fe6d06280e55e41e0aab4bac8ba" +
      "7adaf628febc1008ea8034690c8c1ab2ade53c66a468e9b4b9c5d3a5afab9e5e5da5657b5e4a7e7bcee221a57f056857" +
      "762380791dfd7b4ca1cf11424252c30fa09a3161abc019fdcba48629833fc1a7244c09e5961b5234216bea6f346b6bfd" +
      "5dc3f7485a4148a6c75c29907774bb2bf55da999d94f89521d9275179e31cca5200cdd021c0ff71d0bb92a8a694fb00b" +
      "76ee0f673a107c6ed610cc425c647d56",
  // e17-1024.pem pss0 sha512
  e17Pss0SHA512:
      "a8660443d2c7fdf611ab244c43598150bed27892f90964bc4f4a698a57c2ca3a054943fee97d76d3dee02cd941c54aa6" +
      "ece6e76a08bb385dce5adbbcd7872f697e92be1af8edf34067f750d84b855ef7199d68a71a9f8bb29348ac60ef38a17e" +
      "c55e6eb4540b225bb191ec7066e1fb70a86104ac5769516a42c1d6aebf3c4776",
  // e17-1024.pem pkcs1 sha1
  e17Pkcs1SHA1:
      "46c8c76b0f26f0f3173de61cfd4137a907b2a3d7494d5ea70957a177869f998ea2e3a7aa88189672cc203d1ac70e0329" +
      "1ae41cb55047472caf3785985e9732886ad27b3ecf548c028f3252300db5140b030faeff4e6ac7a9435e5f8e5353dd3c" +
      "771e04dbf541db2c7eaffff74cbb2c5b6f29a25100e223e998e59963f3957e90",
  // e65537-1025.pem pss0 sha384
  e1025Pss0SHA384:
      "013e20fde40d292b5b5b45a11f609e9515c7f9c9aa6b8f1cc738341ad053338ab290bb9afe25dc8463629077009e12c9" +
      "539e209455052079d28c96088c6e1dc007302a1058ebccbe200944bb51e131002e1c193a7207d8249379338edfb516a5" +
      "0e8a90e1ca0e976ce059995f15f3468eabe67e5102f3bf5cde44023e15f2dd2bfc",
  // pss-vect-1.pem pss0 sha1
  vect1Pss0SHA1:
      "81187c5fdacf8a94746ae11f1919fcecc27a0affb20b87640e8d92729d46b944be07c3665d7d9ad62c27121f28402e72" +
      "8992af63ce729afa2d1a6cdaf9daafd1f66f5f58caf4529588375fdb1cab9876a052495c5423d2eff2dde09e1abd2e78" +
      "c2360b9ba645e028acda5c3d3dbe02883f9200b8d56a7ee37cc90bec0e4c4981",
  // e3-2048.pem pss32 sha256
  e3Pss32SHA256:
      "2c3573acad82a619f938638490ec489f3df5b2216077613b32da9f1d900cd746c56fdf2a54963be28dc00c7f63760ace" +
      "55ddaeb24e1743d60b42dcf9e8baecd02379b333b2d5a19dd4e8aa8dd9921d8e2c1a6a4fd5643e1d19e2c1ae16c881d4" +
      "55fcaff951a2a18442f150c1d616da2d1c0e8de9f051b39493241a4b04dfb761bc83d0c85aec2d527ca6659f578da068" +
      "e32d49be52919f53cfee1e04798a993630e0e643b5a10ece15e678a24294eba18b951cf72ce1cf153df435e959a219c5" +
      "2109b2f527c2811b79bdbb8af23fee4a0de11c8311da13d6cc5de18ba2aa2139b51f4961a2e9b2214f3dde8d40027471" +
      "8c7b1cf4c99dbed3bbe808088a06b351",
  // e3-2048.pem oaep sha256
  e3OaepSHA256:
      "1a977547fcf84733ff583b475518b743862ac8716c5878351bd29296d8207d8cdff48d1d7b6a3b14135319f5334ef332" +
      "a3d618874ed8e2f21ee719e19c14425c2ed37c955f09389be12fa636a0d1ded874de7e977ec1cd9509714750738749fe" +
      "e68224eef646c119f57edfba6e1488d31c8d9bd3d34ba7f7d132fb264dd5a2e39ebbe02437d53d162fd1e62b2f32cbef" +
      "8281635e60f31c8ae07774a529e9adcc3d3bea7e4e236751355048baae450e067576ae5969376dd2389f1238be77e09f" +
      "ef49501b28be5b65870204dbe4b46ca45f6e3258c50676475124bcb819f8072723f5f2cc5df194457b72341defa65bd4" +
      "899f25dd9099dd46d8d5d40a0bd129f5",
  // e17-1024.pem oaep sha1
  e17OaepSHA1:
      "02410d845f92bddf3a880189c98260a6f437628b15a183ca683dfc1bbf5bc748568208e8c292b88d112922b27619e49e" +
      "0d801358ae27ab32a98760f11078af19f021e511ab891412969c2f60117139f71c9dece570867bf49ac1887607f22ddc" +
      "fa6eb6166b7713b19ffc92308f4e9e19d32131b98d9e292598c7636359fa5853",
};

const pss = (saltLength) => ({ name: "RSA-PSS", saltLength });

async function importPair(k, name, hash, privUsages, pubUsages, extractable = false) {
  const alg = { name, hash };
  return {
    priv: await subtle.importKey("pkcs8", b64(keys[k].pkcs8), alg, extractable, privUsages),
    pub: await subtle.importKey("spki", b64(keys[k].spki), alg, extractable, pubUsages),
  };
}

const pssPair = (k, hash) => importPair(k, "RSA-PSS", hash, ["sign"], ["verify"]);

function flipped(bytes, i) {
  const out = new Uint8Array(bytes);
  out[i < 0 ? out.length + i : i] ^= 1;
  return out;
}

export const pssSaltLengthZeroKnownAnswers = {
  async test() {
    for (const [k, hash, want, data] of [
      ["e3", "SHA-256", answers.e3Pss0SHA256, msg],
      ["e17", "SHA-512", answers.e17Pss0SHA512, msg],
      ["e1025", "SHA-384", answers.e1025Pss0SHA384, msg], // a signature one byte longer than its encoded message
      ["vect1", "SHA-1", answers.vect1Pss0SHA1, vectMsg],
    ]) {
      const what = `${k} with ${hash}`;
      const { priv, pub } = await pssPair(k, hash);
      const sig = await subtle.sign(pss(0), priv, data);
      eqHex(sig, want, `${what}: saltLength 0 signature (OpenSSL's)`);
      eqHex(await subtle.sign(pss(0), priv, data), want, `${what}: signing again gives the same signature`);
      eq(await subtle.verify(pss(0), pub, sig, data), true, `${what}: verify with saltLength 0`);
      eq(await subtle.verify(pss(0), pub, hex(want), data), true, `${what}: verify OpenSSL's signature`);
      eq(await subtle.verify(pss(1), pub, sig, data), false, `${what}: verify with saltLength 1`);
      eq(await subtle.verify(pss(20), pub, sig, data), false, `${what}: verify with saltLength 20`);
      eq(await subtle.verify(pss(0), pub, flipped(hex(want), -1), data), false, `${what}: a changed signature`);
      eq(await subtle.verify(pss(0), pub, sig, flipped(data, 0)), false, `${what}: a changed message`);
      eq(await subtle.verify(pss(0), pub, hex(want).slice(1), data), false, `${what}: a signature one byte short`);
    }
  },
};

export const pssVerifyTakesOnlyItsSaltLength = {
  async test() {
    const { priv, pub } = await pssPair("e3", "SHA-256");
    const s32 = hex(answers.e3Pss32SHA256);
    eq(await subtle.verify(pss(32), pub, s32, msg), true, "OpenSSL's signature with a 32-byte salt, saltLength 32");
    for (const n of [0, 1, 20, 31, 33, 222]) {
      eq(await subtle.verify(pss(n), pub, s32, msg), false, `OpenSSL's signature with a 32-byte salt, saltLength ${n}`);
    }
    for (const n of [1, 20, 32]) {
      const a = await subtle.sign(pss(n), priv, msg);
      const b = await subtle.sign(pss(n), priv, msg);
      eq(toHex(a) === toHex(b), false, `two signatures with a ${n}-byte random salt differ`);
      eq(await subtle.verify(pss(n), pub, a, msg), true, `our ${n}-byte salt signature, saltLength ${n}`);
      eq(await subtle.verify(pss(0), pub, a, msg), false, `our ${n}-byte salt signature, saltLength 0`);
      eq(await subtle.verify(pss(n + 1), pub, a, msg), false, `our ${n}-byte salt signature, saltLength ${n + 1}`);
      eq(await subtle.verify(pss(n - 1), pub, a, msg), false, `our ${n}-byte salt signature, saltLength ${n - 1}`);
    }
  },
};

export const pssSaltLengthLimits = {
  async test() {
    // A 2048-bit key encodes 256 bytes; with SHA-256 that leaves at most
    // 256 - 32 - 2 = 222 for the salt.
    const { priv, pub } = await pssPair("e3", "SHA-256");
    const s = await subtle.sign(pss(222), priv, msg);
    eq(await subtle.verify(pss(222), pub, s, msg), true, "the longest salt");
    await rejects(subtle.sign(pss(223), priv, msg), "OperationError", "sign with saltLength 223", "at most 222");
    await rejects(subtle.sign(pss(4294967295), priv, msg), "OperationError", "sign with the largest unsigned long", "at most 222");
    eq(await subtle.verify(pss(223), pub, s, msg), false, "verify with saltLength 223");
    eq(await subtle.verify(pss(4294967295), pub, s, msg), false, "verify with the largest unsigned long");
    await rejects(subtle.sign(pss(4294967296), priv, msg), "TypeError", "saltLength 2^32 (outside unsigned long)");
    // A 1025-bit key encodes 1024 bits, 128 bytes: with SHA-384 at most
    // 128 - 48 - 2 = 78.
    const k = await pssPair("e1025", "SHA-384");
    const s78 = await subtle.sign(pss(78), k.priv, msg);
    eq(s78.byteLength, 129, "signature length of a 1025-bit key");
    eq(await subtle.verify(pss(78), k.pub, s78, msg), true, "1025-bit key, the longest salt");
    await rejects(subtle.sign(pss(79), k.priv, msg), "OperationError", "1025-bit key, saltLength 79", "at most 78");
  },
};

export const smallPublicExponentKeys = {
  async test() {
    for (const [k, bits, e, hash, want] of [
      ["e3", 2048, "03", "SHA-256", answers.e3Pkcs1SHA256],
      ["e17", 1024, "11", "SHA-1", answers.e17Pkcs1SHA1],
    ]) {
      const what = `${k} (e = 0x${e})`;
      const alg = { name: "RSASSA-PKCS1-v1_5", hash };
      const { priv, pub } = await importPair(k, alg.name, hash, ["sign"], ["verify"], true);
      eq(priv.algorithm.modulusLength, bits, `${what}: modulusLength`);
      eq(toHex(priv.algorithm.publicExponent), e, `${what}: private key publicExponent`);
      eq(toHex(pub.algorithm.publicExponent), e, `${what}: public key publicExponent`);
      eqHex(await subtle.sign(alg, priv, msg), want, `${what}: PKCS #1 v1.5 signature (OpenSSL's)`);
      eq(await subtle.verify(alg, pub, hex(want), msg), true, `${what}: verify OpenSSL's signature (spki key)`);
      // jwk and back keeps the exponent.
      const j = await subtle.exportKey("jwk", priv);
      eq(j.e, b64url(hex(e)), `${what}: jwk.e`);
      const priv2 = await subtle.importKey("jwk", j, alg, false, ["sign"]);
      eqHex(await subtle.sign(alg, priv2, msg), want, `${what}: signature after a jwk round trip`);
      const pubJWK = { kty: "RSA", n: j.n, e: j.e };
      const pub2 = await subtle.importKey("jwk", pubJWK, alg, false, ["verify"]);
      eq(await subtle.verify(alg, pub2, hex(want), msg), true, `${what}: verify with the public jwk`);
      // PSS with a random salt through Go's own SignPSS.
      const p = await pssPair(k, hash);
      eq(await subtle.verify(pss(16), p.pub, await subtle.sign(pss(16), p.priv, msg), msg), true, `${what}: PSS round trip`);
    }
    for (const [k, hash, ct] of [
      ["e3", "SHA-256", answers.e3OaepSHA256],
      ["e17", "SHA-1", answers.e17OaepSHA1],
    ]) {
      const { priv, pub } = await importPair(k, "RSA-OAEP", hash, ["decrypt"], ["encrypt"]);
      eq(toHex(await subtle.decrypt("RSA-OAEP", priv, hex(ct))), toHex(msg), `${k}: decrypt OpenSSL's RSA-OAEP ciphertext`);
      const c = await subtle.encrypt("RSA-OAEP", pub, msg);
      eq(toHex(await subtle.decrypt("RSA-OAEP", priv, c)), toHex(msg), `${k}: RSA-OAEP round trip`);
    }
  },
};

export const generateKeyExponents = {
  async test() {
    for (const exp of [[3], [0, 3], [1, 0, 1]]) {
      const what = `publicExponent [${exp}]`;
      const { publicKey, privateKey } = await subtle.generateKey(
        { name: "RSA-PSS", modulusLength: 1024, publicExponent: new Uint8Array(exp), hash: "SHA-256" },
        true,
        ["sign", "verify"],
      );
      const e = exp[exp.length - 1] === 3 ? "03" : "010001";
      eq(toHex(publicKey.algorithm.publicExponent), e, `${what}: publicExponent`);
      eq(publicKey.algorithm.modulusLength, 1024, `${what}: modulusLength`);
      const a = await subtle.sign(pss(0), privateKey, msg);
      eq(toHex(await subtle.sign(pss(0), privateKey, msg)), toHex(a), `${what}: saltLength 0 is deterministic`);
      eq(await subtle.verify(pss(0), publicKey, a, msg), true, `${what}: saltLength 0 verifies`);
      eq(await subtle.verify(pss(32), publicKey, await subtle.sign(pss(32), privateKey, msg), msg), true, `${what}: saltLength 32 verifies`);
      eq((await subtle.exportKey("jwk", privateKey)).e, b64url(hex(e)), `${what}: jwk.e`);
    }
    for (const exp of [[17], [5], [1, 0, 0, 1], [], [1, 0, 0, 0, 0, 1]]) {
      await rejects(
        subtle.generateKey({ name: "RSA-OAEP", modulusLength: 1024, publicExponent: new Uint8Array(exp), hash: "SHA-256" }, true, ["encrypt", "decrypt"]),
        "OperationError",
        `generateKey with publicExponent [${exp}]`,
        "must be 3 ([3]) or 65537 ([1, 0, 1])",
      );
    }
  },
};

export const keySizeLimits = {
  async test() {
    const alg = { name: "RSA-PSS", hash: "SHA-256" };
    await rejects(subtle.importKey("pkcs8", b64(keys.e512.pkcs8), alg, false, ["sign"]), "NotSupportedError", "pkcs8 import of a 512-bit key", "at least 1024 bits");
    await rejects(subtle.importKey("spki", b64(keys.e512.spki), alg, false, ["verify"]), "NotSupportedError", "spki import of a 512-bit key", "at least 1024 bits");
    const ones = (n, last = 0xff) => b64url(new Uint8Array(n).fill(0xff).fill(last, n - 1));
    await rejects(subtle.importKey("jwk", { kty: "RSA", n: ones(64), e: "AQAB" }, alg, false, ["verify"]), "NotSupportedError", "jwk import of a 512-bit key", "at least 1024 bits");
    await rejects(subtle.importKey("jwk", { kty: "RSA", n: ones(2049), e: "AQAB" }, alg, false, ["verify"]), "NotSupportedError", "jwk import of a 16392-bit key", "at most 16384 bits");
    for (const bits of [512, 1016]) {
      await rejects(
        subtle.generateKey({ ...alg, modulusLength: bits, publicExponent: new Uint8Array([1, 0, 1]) }, true, ["sign"]),
        "OperationError",
        `generateKey of ${bits} bits`,
        "at least 1024 bits",
      );
    }
    await rejects(subtle.generateKey({ ...alg, modulusLength: 1028, publicExponent: new Uint8Array([1, 0, 1]) }, true, ["sign"]), "OperationError", "generateKey of 1028 bits", "multiple of 8");
    await rejects(subtle.generateKey({ ...alg, modulusLength: 16392, publicExponent: new Uint8Array([1, 0, 1]) }, true, ["sign"]), "OperationError", "generateKey of 16392 bits", "at most 16384");
    // Public keys whose modulus or exponent no RSA key has, or Go cannot use.
    const n = ones(256);
    eq((await subtle.importKey("jwk", { kty: "RSA", n, e: "Aw" }, alg, false, ["verify"])).algorithm.modulusLength, 2048, "a 2048-bit public key with e = 3");
    eq(toHex((await subtle.importKey("jwk", { kty: "RSA", n, e: "JQ" }, alg, false, ["verify"])).algorithm.publicExponent), "25", "e = 37");
    await rejects(subtle.importKey("jwk", { kty: "RSA", n: ones(256, 0xfe), e: "AQAB" }, alg, false, ["verify"]), "DataError", "an even modulus", "even");
    await rejects(subtle.importKey("jwk", { kty: "RSA", n, e: "AQ" }, alg, false, ["verify"]), "DataError", "e = 1", "odd and at least 3");
    await rejects(subtle.importKey("jwk", { kty: "RSA", n, e: "Ag" }, alg, false, ["verify"]), "DataError", "e = 2", "odd and at least 3");
    await rejects(subtle.importKey("jwk", { kty: "RSA", n, e: "AQAA" }, alg, false, ["verify"]), "DataError", "e = 65536", "odd and at least 3");
    await rejects(subtle.importKey("jwk", { kty: "RSA", n, e: "gAAAAQ" }, alg, false, ["verify"]), "NotSupportedError", "e = 2^31 + 1", "below 2^31");
  },
};
