// crypto.subtle and CryptoKey. In JS: the SubtleCrypto and CryptoKey
// classes, WebIDL conversions, the WebCrypto algorithm normalization
// (case-insensitive names, dictionaries per operation, hash as a string or
// {name}), usage and extractable checks, and turning every failure into a
// rejected promise. In Go (subtle.go, formats.go, rsa.go, pss.go): the key
// material, which stays there behind a numeric id held by the CryptoKey,
// and every cryptographic operation and key format, on Go's crypto
// packages (and filippo.io/bigmod for RSA-PSS without a salt). Each
// operation is one op call; its byte arguments (data, iv, salt, ...) are
// packed into one buffer with their lengths in the JSON request.
"use strict";

const webidl = core.use("webidl");
const DOMException = core.use("DOMException");
const { Crypto, brand: cryptoBrand } = core.use("crypto");
const uncurryThis = (fn) => Function.prototype.call.bind(fn);
const U8 = Uint8Array;
const TypeErrorCtor = TypeError;
const ObjectFreeze = Object.freeze;
const ObjectDefineProperty = Object.defineProperty;
const ObjectKeys = Object.keys;
const ArrayIsArray = Array.isArray;
const ArrayBufferIsView = ArrayBuffer.isView;
const ArrayPrototypeIncludes = uncurryThis(Array.prototype.includes);
const ArrayPrototypePush = uncurryThis(Array.prototype.push);
const StringPrototypeToUpperCase = uncurryThis(String.prototype.toUpperCase);
const JSONStringify = JSON.stringify;
const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype);
const TypedArrayPrototypeSet = uncurryThis(TypedArrayPrototype.set);
const TypedArrayPrototypeSlice = uncurryThis(TypedArrayPrototype.slice);
const TypedArrayPrototypeGetBuffer = uncurryThis(Object.getOwnPropertyDescriptor(TypedArrayPrototype, "buffer").get);
const TypedArrayPrototypeGetLength = uncurryThis(Object.getOwnPropertyDescriptor(TypedArrayPrototype, "length").get);
const WeakRefCtor = WeakRef;
const WeakRefPrototypeDeref = uncurryThis(WeakRef.prototype.deref);
const WeakMapCtor = WeakMap;
const WeakMapPrototypeGet = uncurryThis(WeakMap.prototype.get);
const WeakMapPrototypeSet = uncurryThis(WeakMap.prototype.set);
const WeakMapPrototypeHas = uncurryThis(WeakMap.prototype.has);
const SymbolIterator = Symbol.iterator;

const domError = (name, message) => new DOMException(message, name);

// Key material is freed in Go once its CryptoKey is collected. Every key
// is tracked by a WeakRef (a FinalizationRegistry would call back once per
// key, each a Go call), and the ids of the collected ones are freed in one
// op call by a sweep, which runs when the list has doubled
// since the last one (amortized O(1) per key) or, sooner, once the list
// has grown a little and a collection has happened since: the canary's
// target, referenced by nothing else, is gone. The Go side reports the
// memory it holds to V8 (keys.go), so that collections come in time.
const live = []; // [WeakRef, id, WeakRef, id, ...]
let nextSweep = 512;
let lastSweep = 0;
let canary = new WeakRefCtor({});

function track(key, id) {
  ArrayPrototypePush(live, new WeakRefCtor(key), id);
  if (live.length < nextSweep && (live.length < lastSweep + 64 || WeakRefPrototypeDeref(canary) !== undefined)) return;
  let kept = 0;
  let dead = "";
  for (let i = 0; i < live.length; i += 2) {
    if (WeakRefPrototypeDeref(live[i]) === undefined) {
      dead += dead === "" ? `${live[i + 1]}` : `,${live[i + 1]}`;
    } else {
      live[kept++] = live[i];
      live[kept++] = live[i + 1];
    }
  }
  live.length = kept;
  lastSweep = kept;
  nextSweep = kept * 2 > 512 ? kept * 2 : 512;
  canary = new WeakRefCtor({});
  if (dead !== "") ops.op_crypto_key_free(dead);
}

// ---- algorithm normalization (WebCrypto §18.4) ----

const bytes = "bytes";
// Dictionary member types: [member, type, required].
const dicts = {
  __proto__: null,
  none: [],
  HmacKeyGenParams: [["hash", "hash", true], ["length", "ulong", false]],
  HmacImportParams: [["hash", "hash", true], ["length", "ulong", false]],
  AesKeyGenParams: [["length", "ushort", true]],
  AesDerivedKeyParams: [["length", "ushort", true]],
  EcKeyGenParams: [["namedCurve", "string", true]],
  EcKeyImportParams: [["namedCurve", "string", true]],
  RsaHashedKeyGenParams: [["modulusLength", "ulong", true], ["publicExponent", "bigint", true], ["hash", "hash", true]],
  RsaHashedImportParams: [["hash", "hash", true]],
  EcdsaParams: [["hash", "hash", true]],
  RsaPssParams: [["saltLength", "ulong", true]],
  RsaOaepParams: [["label", bytes, false]],
  AesGcmParams: [["iv", bytes, true], ["additionalData", bytes, false], ["tagLength", "octet", false]],
  AesCbcParams: [["iv", bytes, true]],
  AesCtrParams: [["counter", bytes, true], ["length", "octet", true]],
  Pbkdf2Params: [["salt", bytes, true], ["iterations", "ulong", true], ["hash", "hash", true]],
  HkdfParams: [["hash", "hash", true], ["salt", bytes, true], ["info", bytes, true]],
  EcdhKeyDeriveParams: [["public", "key", true]],
};

const RSA = ["RSASSA-PKCS1-v1_5", "RSA-PSS", "RSA-OAEP"];
const AES = ["AES-GCM", "AES-CBC", "AES-CTR", "AES-KW"];

function table(entries) {
  const t = { __proto__: null };
  for (let i = 0; i < entries.length; i++) {
    const names = ArrayIsArray(entries[i][0]) ? entries[i][0] : [entries[i][0]];
    for (let j = 0; j < names.length; j++) t[names[j]] = entries[i][1];
  }
  return t;
}

// supported lists, per operation, the algorithms and their parameter
// dictionaries.
const supported = {
  __proto__: null,
  digest: table([[["SHA-1", "SHA-256", "SHA-384", "SHA-512"], "none"]]),
  generateKey: table([
    ["HMAC", "HmacKeyGenParams"],
    [AES, "AesKeyGenParams"],
    [["ECDSA", "ECDH"], "EcKeyGenParams"],
    [["Ed25519", "X25519"], "none"],
    [RSA, "RsaHashedKeyGenParams"],
  ]),
  importKey: table([
    ["HMAC", "HmacImportParams"],
    [[...AES, "PBKDF2", "HKDF", "Ed25519", "X25519"], "none"],
    [["ECDSA", "ECDH"], "EcKeyImportParams"],
    [RSA, "RsaHashedImportParams"],
  ]),
  sign: table([
    [["HMAC", "Ed25519", "RSASSA-PKCS1-v1_5"], "none"],
    ["ECDSA", "EcdsaParams"],
    ["RSA-PSS", "RsaPssParams"],
  ]),
  encrypt: table([
    ["AES-GCM", "AesGcmParams"],
    ["AES-CBC", "AesCbcParams"],
    ["AES-CTR", "AesCtrParams"],
    ["RSA-OAEP", "RsaOaepParams"],
  ]),
  wrapKey: table([["AES-KW", "none"]]),
  deriveBits: table([
    ["PBKDF2", "Pbkdf2Params"],
    ["HKDF", "HkdfParams"],
    [["ECDH", "X25519"], "EcdhKeyDeriveParams"],
  ]),
  getKeyLength: table([
    [AES, "AesDerivedKeyParams"],
    ["HMAC", "HmacImportParams"],
    [["PBKDF2", "HKDF"], "none"],
  ]),
};
supported.verify = supported.sign;
supported.decrypt = supported.encrypt;
supported.unwrapKey = supported.wrapKey;

// The upper-cased names, for the case-insensitive match.
const upperNames = { __proto__: null };
for (const op of ObjectKeys(supported)) {
  for (const name of ObjectKeys(supported[op])) upperNames[StringPrototypeToUpperCase(name)] = name;
}

// normalize returns a null-prototype copy of the algorithm: {name, ...
// non-byte members} and a list of [name, Uint8Array] byte members.
function normalize(alg, op, prefix) {
  if (typeof alg === "string") alg = { name: alg };
  else if (alg === null || (typeof alg !== "object" && typeof alg !== "function")) {
    throw new TypeErrorCtor(`${prefix}: The provided algorithm is not an object or a string.`);
  }
  const rawName = alg.name;
  if (rawName === undefined) throw new TypeErrorCtor(`${prefix}: Algorithm: name: Missing or not a string.`);
  const upper = StringPrototypeToUpperCase(webidl.toDOMString(rawName, prefix, "Algorithm name"));
  const name = upperNames[upper];
  const dictName = name === undefined ? undefined : supported[op][name];
  if (dictName === undefined) {
    throw domError("NotSupportedError", `${prefix}: Unrecognized or unsupported algorithm name '${rawName}' for ${op}.`);
  }
  const out = { __proto__: null, name };
  const bufs = [];
  const members = dicts[dictName];
  for (let i = 0; i < members.length; i++) {
    const member = members[i][0];
    const type = members[i][1];
    const required = members[i][2];
    const v = alg[member];
    const ctx = `${dictName}: ${member}`;
    if (v === undefined) {
      if (required) throw new TypeErrorCtor(`${prefix}: ${ctx}: Missing required member.`);
      continue;
    }
    switch (type) {
      case "hash":
        out.hash = normalize(v, "digest", prefix).alg.name;
        break;
      case "ulong":
        out[member] = webidl.toUnsignedLong(v, { enforceRange: true }, prefix, ctx);
        break;
      case "ushort":
        out[member] = webidl.toUnsignedShort(v, { enforceRange: true }, prefix, ctx);
        break;
      case "octet":
        out[member] = webidl.toOctet(v, { enforceRange: true }, prefix, ctx);
        break;
      case "string":
        out[member] = webidl.toDOMString(v, prefix, ctx);
        break;
      case "bigint":
        if (!(v instanceof U8)) throw new TypeErrorCtor(`${prefix}: ${ctx}: is not a Uint8Array.`);
        ArrayPrototypePush(bufs, [member, TypedArrayPrototypeSlice(v)]);
        break;
      case bytes:
        ArrayPrototypePush(bufs, [member, TypedArrayPrototypeSlice(webidl.toBufferSource(v, prefix, undefined, ctx))]);
        break;
      case "key":
        if (!isKey(v)) throw new TypeErrorCtor(`${prefix}: ${ctx}: is not of type 'CryptoKey'.`);
        out.public = st(v).id;
        out.publicKey = v;
        break;
    }
  }
  return { alg: out, bufs };
}

// call runs one operation in Go: req is the JSON request, bufs the byte
// arguments packed into one buffer.
function call(req, bufs, async = false) {
  let total = 0;
  const names = [];
  const lens = [];
  for (let i = 0; i < bufs.length; i++) {
    ArrayPrototypePush(names, bufs[i][0]);
    const n = TypedArrayPrototypeGetLength(bufs[i][1]);
    ArrayPrototypePush(lens, n);
    total += n;
  }
  const packed = new U8(total);
  let off = 0;
  for (let i = 0; i < bufs.length; i++) {
    TypedArrayPrototypeSet(packed, bufs[i][1], off);
    off += lens[i];
  }
  req.bufNames = names;
  req.bufLens = lens;
  const json = JSONStringify(req);
  return async ? ops.op_crypto_subtle_async(json, core.toGo(packed)) : ops.op_crypto_subtle(json, core.toGo(packed));
}

function toArrayBuffer(u8) {
  return TypedArrayPrototypeGetBuffer(u8);
}

// ---- CryptoKey ----

// A CryptoKey's internal slots live in this WeakMap, out of user code's
// reach: symbol-keyed properties could be listed and rewritten (say, to
// add a usage or make a key extractable). The id names the key material,
// which stays in Go.
const keySlots = new WeakMapCtor();
const st = (key) => WeakMapPrototypeGet(keySlots, key);

const constructKey = Symbol("construct");

const usageOrder = ["encrypt", "decrypt", "sign", "verify", "deriveKey", "deriveBits", "wrapKey", "unwrapKey"];

class CryptoKey {
  constructor(key = undefined, id, type, extractable, algorithm, usages) {
    if (key !== constructKey) webidl.illegalConstructor("CryptoKey");
    const alg = { name: algorithm.name };
    const keys = ObjectKeys(algorithm);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (k === "publicExponent") alg[k] = new U8(algorithm[k]);
      else if (k === "hash") alg[k] = { name: algorithm[k].name };
      else alg[k] = algorithm[k];
    }
    WeakMapPrototypeSet(keySlots, this, { id, algName: algorithm.name, type, extractable, algorithm: alg, usages });
    track(this, id);
  }

  get type() {
    keyBrand(this);
    return st(this).type;
  }

  get extractable() {
    keyBrand(this);
    return st(this).extractable;
  }

  get algorithm() {
    keyBrand(this);
    return st(this).algorithm;
  }

  get usages() {
    keyBrand(this);
    return st(this).usages;
  }
}
webidl.configureInterface(CryptoKey);

function keyBrand(v) {
  if (!isKey(v)) throw new TypeErrorCtor("Illegal invocation: the receiver is not a CryptoKey.");
}

function isKey(v) {
  return v !== null && typeof v === "object" && WeakMapPrototypeHas(keySlots, v);
}

// allowedUsages per algorithm and key type.
const SIGN = { secret: ["sign", "verify"], private: ["sign"], public: ["verify"] };
const CIPHER = { secret: ["encrypt", "decrypt", "wrapKey", "unwrapKey"] };
const DERIVE = { secret: ["deriveKey", "deriveBits"], private: ["deriveKey", "deriveBits"], public: [] };
const allowedUsages = {
  __proto__: null,
  HMAC: SIGN,
  "AES-GCM": CIPHER,
  "AES-CBC": CIPHER,
  "AES-CTR": CIPHER,
  "AES-KW": { secret: ["wrapKey", "unwrapKey"] },
  PBKDF2: DERIVE,
  HKDF: DERIVE,
  ECDSA: SIGN,
  Ed25519: SIGN,
  "RSASSA-PKCS1-v1_5": SIGN,
  "RSA-PSS": SIGN,
  ECDH: DERIVE,
  X25519: DERIVE,
  "RSA-OAEP": { private: ["decrypt", "unwrapKey"], public: ["encrypt", "wrapKey"] },
};

// toUsages converts a sequence<KeyUsage>, deduplicated and in a fixed order.
function toUsages(v, prefix) {
  if (v === null || typeof v !== "object" || typeof v[SymbolIterator] !== "function") {
    throw new TypeErrorCtor(`${prefix}: The provided value cannot be converted to a sequence.`);
  }
  const seen = { __proto__: null };
  for (const u of v) {
    const s = webidl.toDOMString(u, prefix, "Key usage");
    if (!ArrayPrototypeIncludes(usageOrder, s)) {
      throw new TypeErrorCtor(`${prefix}: The provided value '${s}' is not a valid enum value of type KeyUsage.`);
    }
    seen[s] = true;
  }
  const out = [];
  for (let i = 0; i < usageOrder.length; i++) if (seen[usageOrder[i]]) ArrayPrototypePush(out, usageOrder[i]);
  return out;
}

// checkUsages throws SyntaxError if a usage is not allowed for the
// algorithm (and key type, once known).
function checkUsages(name, usages, type, prefix) {
  const allowed = allowedUsages[name];
  for (let i = 0; i < usages.length; i++) {
    const ok =
      type === undefined
        ? ArrayPrototypeIncludes(allowed.secret || [], usages[i]) ||
          ArrayPrototypeIncludes(allowed.private || [], usages[i]) ||
          ArrayPrototypeIncludes(allowed.public || [], usages[i])
        : ArrayPrototypeIncludes(allowed[type] || [], usages[i]);
    if (!ok) {
      throw domError("SyntaxError", `${prefix}: Cannot create a${type ? ` ${type}` : ""} ${name} key with usage '${usages[i]}'.`);
    }
  }
}

function makeKey(info, extractable, usages) {
  const mine = [];
  for (let i = 0; i < usages.length; i++) {
    if (ArrayPrototypeIncludes(allowedUsages[info.algorithm.name][info.type] || [], usages[i])) ArrayPrototypePush(mine, usages[i]);
  }
  // A public key is always extractable.
  return new CryptoKey(constructKey, info.id, info.type, info.type === "public" ? true : extractable, info.algorithm, ObjectFreeze(mine));
}

// importedKey builds the CryptoKey for one imported key, applying the
// checks that need its type.
function importedKey(info, extractable, usages, prefix) {
  try {
    checkUsages(info.algorithm.name, usages, info.type, prefix);
    if ((info.type === "secret" || info.type === "private") && usages.length === 0) {
      throw domError("SyntaxError", `${prefix}: Usages cannot be empty when creating a ${info.type} key.`);
    }
  } catch (e) {
    ops.op_crypto_key_free(`${info.id}`);
    throw e;
  }
  return new CryptoKey(constructKey, info.id, info.type, extractable, info.algorithm, ObjectFreeze(usages));
}

function checkKey(key, alg, usage, prefix, what = "key") {
  if (!isKey(key)) throw new TypeErrorCtor(`${prefix}: parameter '${what}' is not of type 'CryptoKey'.`);
  if (st(key).algName !== alg.name) {
    throw domError("InvalidAccessError", `${prefix}: The requested operation is not valid for the provided key (a ${st(key).algName} key, not ${alg.name}).`);
  }
  if (!ArrayPrototypeIncludes(st(key).usages, usage)) {
    throw domError("InvalidAccessError", `${prefix}: The ${what} does not allow '${usage}' (its usages are [${st(key).usages}]).`);
  }
}

// withBuf returns bufs (name/bytes pairs) with one more, without the
// array iterator (user code may replace it).
function withBuf(bufs, name, bytes) {
  const out = [];
  for (let i = 0; i < bufs.length; i++) ArrayPrototypePush(out, bufs[i]);
  ArrayPrototypePush(out, [name, bytes]);
  return out;
}

const formats = ["raw", "spki", "pkcs8", "jwk"];

function toFormat(v, prefix) {
  const s = webidl.toDOMString(v, prefix, "format");
  if (!ArrayPrototypeIncludes(formats, s)) throw new TypeErrorCtor(`${prefix}: The provided value '${s}' is not a valid enum value of type KeyFormat.`);
  return s;
}

const jwkStrings = ["kty", "use", "alg", "crv", "x", "y", "d", "n", "e", "p", "q", "dp", "dq", "qi", "k"];

// toJWK converts a JsonWebKey dictionary to the plain object sent to Go.
function toJWK(v, prefix) {
  if (v === null || typeof v !== "object") throw new TypeErrorCtor(`${prefix}: keyData is not a JsonWebKey dictionary.`);
  const out = { __proto__: null };
  for (let i = 0; i < jwkStrings.length; i++) {
    const x = v[jwkStrings[i]];
    if (x !== undefined) out[jwkStrings[i]] = webidl.toDOMString(x, prefix, `JsonWebKey: ${jwkStrings[i]}`);
  }
  if (out.kty === undefined) throw new TypeErrorCtor(`${prefix}: JsonWebKey: kty: Missing required member.`);
  if (v.ext !== undefined) out.ext = webidl.toBoolean(v.ext);
  if (v.key_ops !== undefined) {
    const keyOps = [];
    for (const o of v.key_ops) ArrayPrototypePush(keyOps, webidl.toDOMString(o, prefix, "JsonWebKey: key_ops"));
    out.key_ops = keyOps;
  }
  return out;
}

async function importKeyInner(format, keyData, normalized, extractable, usages, prefix) {
  const alg = normalized.alg;
  checkUsages(alg.name, usages, undefined, prefix);
  if ((alg.name === "PBKDF2" || alg.name === "HKDF") && extractable) {
    throw domError("SyntaxError", `${prefix}: ${alg.name} keys cannot be extractable.`);
  }
  const req = { __proto__: null, op: "importKey", alg, format, extractable, usages };
  let bufs = normalized.bufs;
  if (format === "jwk") {
    req.jwk = toJWK(keyData, prefix);
  } else {
    if (keyData === null || typeof keyData !== "object" || (!webidl.isArrayBuffer(keyData) && !ArrayBufferIsView(keyData))) {
      throw new TypeErrorCtor(`${prefix}: keyData must be a BufferSource for format '${format}'.`);
    }
    bufs = withBuf(bufs, "data", TypedArrayPrototypeSlice(webidl.toBufferSource(keyData, prefix)));
  }
  const infos = call(req, bufs);
  return importedKey(infos[0], extractable, usages, prefix);
}

function getKeyLength(derivedKeyType, prefix) {
  const { alg } = normalize(derivedKeyType, "getKeyLength", prefix);
  switch (alg.name) {
    case "AES-GCM":
    case "AES-CBC":
    case "AES-CTR":
    case "AES-KW":
      if (alg.length !== 128 && alg.length !== 192 && alg.length !== 256) {
        throw domError("OperationError", `${prefix}: AES key length must be 128, 192 or 256 bits, not ${alg.length}.`);
      }
      return alg.length;
    case "HMAC":
      if (alg.length !== undefined) {
        if (alg.length === 0) throw new TypeErrorCtor(`${prefix}: HMAC key length must not be 0.`);
        return alg.length;
      }
      return alg.hash === "SHA-1" || alg.hash === "SHA-256" ? 512 : 1024; // the block size; also keys.go: hashBlockBits
  }
  return null;
}

function deriveBitsInner(normalized, baseKey, length, prefix) {
  const req = { __proto__: null, op: "deriveBits", alg: normalized.alg, key: st(baseKey).id, length };
  const pub = normalized.alg.publicKey;
  if (pub !== undefined) {
    delete req.alg.publicKey;
    if (st(pub).type !== "public") throw domError("InvalidAccessError", `${prefix}: The public key must be a public key, not ${st(pub).type}.`);
    if (st(pub).algName !== normalized.alg.name) {
      throw domError("InvalidAccessError", `${prefix}: The public key is a ${st(pub).algName} key, not ${normalized.alg.name}.`);
    }
  }
  return call(req, normalized.bufs);
}

// ---- SubtleCrypto ----

const _subtle = Symbol("[[SubtleCrypto]]");

function brand(self, method, args, required) {
  webidl.brandCheck(self, _subtle, "SubtleCrypto", method);
  const prefix = `Failed to execute '${method}' on 'SubtleCrypto'`;
  webidl.requiredArguments(args.length, required, prefix);
  return prefix;
}

class SubtleCrypto {
  constructor(key = undefined) {
    if (key !== constructKey) webidl.illegalConstructor("SubtleCrypto");
    webidl.setSlots(this, { [_subtle]: true });
  }

  async digest(algorithm, data) {
    const prefix = brand(this, "digest", arguments, 2);
    const n = normalize(algorithm, "digest", prefix);
    const bytes = TypedArrayPrototypeSlice(webidl.toBufferSource(data, prefix));
    return toArrayBuffer(call({ __proto__: null, op: "digest", alg: n.alg }, [["data", bytes]]));
  }

  async generateKey(algorithm, extractable, keyUsages) {
    const prefix = brand(this, "generateKey", arguments, 3);
    const n = normalize(algorithm, "generateKey", prefix);
    extractable = webidl.toBoolean(extractable);
    const usages = toUsages(keyUsages, prefix);
    checkUsages(n.alg.name, usages, undefined, prefix);
    // The secret or private key must have a usage; checked before the
    // (possibly slow) generation.
    const secret = n.alg.name === "HMAC" || ArrayPrototypeIncludes(AES, n.alg.name);
    const allowed = allowedUsages[n.alg.name][secret ? "secret" : "private"];
    let kept = 0;
    for (let i = 0; i < usages.length; i++) {
      if (ArrayPrototypeIncludes(allowed, usages[i])) kept++;
    }
    if (kept === 0) {
      throw domError("SyntaxError", `${prefix}: Usages cannot be empty when creating a ${secret ? "secret" : "private"} key.`);
    }
    const req = { __proto__: null, op: "generateKey", alg: n.alg, extractable };
    const slow = ArrayPrototypeIncludes(RSA, n.alg.name);
    const infos = slow ? await call(req, n.bufs, true) : call(req, n.bufs);
    if (infos.length === 1) return makeKey(infos[0], extractable, usages);
    return { publicKey: makeKey(infos[0], extractable, usages), privateKey: makeKey(infos[1], extractable, usages) };
  }

  async importKey(format, keyData, algorithm, extractable, keyUsages) {
    const prefix = brand(this, "importKey", arguments, 5);
    format = toFormat(format, prefix);
    const n = normalize(algorithm, "importKey", prefix);
    extractable = webidl.toBoolean(extractable);
    const usages = toUsages(keyUsages, prefix);
    return importKeyInner(format, keyData, n, extractable, usages, prefix);
  }

  async exportKey(format, key) {
    const prefix = brand(this, "exportKey", arguments, 2);
    format = toFormat(format, prefix);
    if (!isKey(key)) throw new TypeErrorCtor(`${prefix}: parameter 2 is not of type 'CryptoKey'.`);
    if (!st(key).extractable) throw domError("InvalidAccessError", `${prefix}: key is not extractable.`);
    const r = call({ __proto__: null, op: "exportKey", key: st(key).id, format, usages: st(key).usages }, []);
    return format === "jwk" ? r : toArrayBuffer(r);
  }

  async sign(algorithm, key, data) {
    const prefix = brand(this, "sign", arguments, 3);
    const n = normalize(algorithm, "sign", prefix);
    const bytes = TypedArrayPrototypeSlice(webidl.toBufferSource(data, prefix));
    checkKey(key, n.alg, "sign", prefix);
    return toArrayBuffer(call({ __proto__: null, op: "sign", alg: n.alg, key: st(key).id }, withBuf(n.bufs, "data", bytes)));
  }

  async verify(algorithm, key, signature, data) {
    const prefix = brand(this, "verify", arguments, 4);
    const n = normalize(algorithm, "verify", prefix);
    const sig = TypedArrayPrototypeSlice(webidl.toBufferSource(signature, prefix));
    const bytes = TypedArrayPrototypeSlice(webidl.toBufferSource(data, prefix));
    checkKey(key, n.alg, "verify", prefix);
    return call({ __proto__: null, op: "verify", alg: n.alg, key: st(key).id }, withBuf(withBuf(n.bufs, "signature", sig), "data", bytes));
  }

  async encrypt(algorithm, key, data) {
    const prefix = brand(this, "encrypt", arguments, 3);
    const n = normalize(algorithm, "encrypt", prefix);
    const bytes = TypedArrayPrototypeSlice(webidl.toBufferSource(data, prefix));
    checkKey(key, n.alg, "encrypt", prefix);
    return toArrayBuffer(call({ __proto__: null, op: "encrypt", alg: n.alg, key: st(key).id }, withBuf(n.bufs, "data", bytes)));
  }

  async decrypt(algorithm, key, data) {
    const prefix = brand(this, "decrypt", arguments, 3);
    const n = normalize(algorithm, "decrypt", prefix);
    const bytes = TypedArrayPrototypeSlice(webidl.toBufferSource(data, prefix));
    checkKey(key, n.alg, "decrypt", prefix);
    return toArrayBuffer(call({ __proto__: null, op: "decrypt", alg: n.alg, key: st(key).id }, withBuf(n.bufs, "data", bytes)));
  }

  async deriveBits(algorithm, baseKey, length = null) {
    const prefix = brand(this, "deriveBits", arguments, 2);
    const n = normalize(algorithm, "deriveBits", prefix);
    if (length !== null) length = webidl.toUnsignedLong(length, { enforceRange: true }, prefix, "length");
    checkKey(baseKey, n.alg, "deriveBits", prefix, "baseKey");
    return toArrayBuffer(deriveBitsInner(n, baseKey, length, prefix));
  }

  async deriveKey(algorithm, baseKey, derivedKeyType, extractable, keyUsages) {
    const prefix = brand(this, "deriveKey", arguments, 5);
    const n = normalize(algorithm, "deriveBits", prefix);
    const imp = normalize(derivedKeyType, "importKey", prefix);
    extractable = webidl.toBoolean(extractable);
    const usages = toUsages(keyUsages, prefix);
    checkKey(baseKey, n.alg, "deriveKey", prefix, "baseKey");
    const length = getKeyLength(derivedKeyType, prefix);
    const bits = deriveBitsInner(n, baseKey, length, prefix);
    return importKeyInner("raw", bits, imp, extractable, usages, prefix);
  }

  async wrapKey(format, key, wrappingKey, wrapAlgorithm) {
    const prefix = brand(this, "wrapKey", arguments, 4);
    format = toFormat(format, prefix);
    const n = normalizeWrap(wrapAlgorithm, "wrapKey", "encrypt", prefix);
    if (!isKey(key)) throw new TypeErrorCtor(`${prefix}: parameter 2 is not of type 'CryptoKey'.`);
    checkKey(wrappingKey, n.alg, "wrapKey", prefix, "wrappingKey");
    if (!st(key).extractable) throw domError("InvalidAccessError", `${prefix}: key is not extractable.`);
    const req = { __proto__: null, op: "wrapKey", alg: n.alg, key: st(wrappingKey).id, key2: st(key).id, format, usages: st(key).usages };
    return toArrayBuffer(call(req, n.bufs));
  }

  async unwrapKey(format, wrappedKey, unwrappingKey, unwrapAlgorithm, unwrappedKeyAlgorithm, extractable, keyUsages) {
    const prefix = brand(this, "unwrapKey", arguments, 7);
    format = toFormat(format, prefix);
    const wrapped = TypedArrayPrototypeSlice(webidl.toBufferSource(wrappedKey, prefix));
    const n = normalizeWrap(unwrapAlgorithm, "unwrapKey", "decrypt", prefix);
    const imp = normalize(unwrappedKeyAlgorithm, "importKey", prefix);
    extractable = webidl.toBoolean(extractable);
    const usages = toUsages(keyUsages, prefix);
    checkKey(unwrappingKey, n.alg, "unwrapKey", prefix, "unwrappingKey");
    checkUsages(imp.alg.name, usages, undefined, prefix);
    const req = { __proto__: null, op: "unwrapKey", alg: n.alg, key: st(unwrappingKey).id, importAlg: imp.alg, format, extractable, usages };
    const infos = call(req, withBuf(n.bufs, "data", wrapped));
    return importedKey(infos[0], extractable, usages, prefix);
  }
}
webidl.configureInterface(SubtleCrypto);

// normalizeWrap tries the wrapKey/unwrapKey algorithms, then the
// encrypt/decrypt ones, as the spec's wrapKey and unwrapKey do.
function normalizeWrap(alg, op, fallback, prefix) {
  try {
    return normalize(alg, op, prefix);
  } catch (e) {
    if (!(e instanceof DOMException) || e.name !== "NotSupportedError") throw e;
    return normalize(alg, fallback, prefix);
  }
}

const subtle = new SubtleCrypto(constructKey);
ObjectDefineProperty(Crypto.prototype, "subtle", {
  get() {
    webidl.brandCheck(this, cryptoBrand, "Crypto");
    return subtle;
  },
  enumerable: true,
  configurable: true,
});

core.defineGlobal("SubtleCrypto", SubtleCrypto);
core.defineGlobal("CryptoKey", CryptoKey);
