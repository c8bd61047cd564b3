// Cases for ops/crypto, run by crypto_test.go.

function eq(actual, expected, what) {
  if (!Object.is(actual, expected)) throw new Error(`${what}: got ${String(actual)}, want ${String(expected)}`);
}

function throws(fn, check, what) {
  try {
    fn();
  } catch (e) {
    if (!check(e)) throw new Error(`${what}: threw the wrong thing: ${e && e.name}: ${e && e.message}`);
    return e;
  }
  throw new Error(`${what}: did not throw`);
}

const isType = (e) => e instanceof TypeError;
const isDOM = (name, code) => (e) => e instanceof DOMException && e.name === name && e.code === code;

export const fillsIntegerArrays = {
  test() {
    const kinds = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, BigInt64Array, BigUint64Array];
    for (const Kind of kinds) {
      const a = new Kind(64);
      const r = crypto.getRandomValues(a);
      eq(r, a, `${Kind.name}: returns its argument`);
      const zero = Kind === BigInt64Array || Kind === BigUint64Array ? 0n : 0;
      const nonzero = a.filter((x) => x !== zero).length;
      if (nonzero < 32) throw new Error(`${Kind.name}: only ${nonzero} of 64 elements were filled`);
    }
  },
};

export const fillsOnlyTheView = {
  test() {
    const backing = new Uint8Array(64);
    crypto.getRandomValues(new Uint8Array(backing.buffer, 16, 32));
    for (let i = 0; i < 16; i++) eq(backing[i], 0, `byte ${i} before the view`);
    for (let i = 48; i < 64; i++) eq(backing[i], 0, `byte ${i} after the view`);
    if (backing.subarray(16, 48).every((b) => b === 0)) throw new Error("the view was not filled");
    eq(crypto.getRandomValues(new Uint8Array(0)).length, 0, "empty array");
  },
};

export const looksRandom = {
  test() {
    const a = crypto.getRandomValues(new Uint8Array(65536));
    const counts = new Array(256).fill(0);
    for (const b of a) counts[b]++;
    // Each value is expected 256 times; a working source never strays this far.
    for (let v = 0; v < 256; v++) {
      if (counts[v] < 128 || counts[v] > 400) throw new Error(`byte value ${v} appeared ${counts[v]} times in 65536 bytes`);
    }
    const b = crypto.getRandomValues(new Uint8Array(16));
    const c = crypto.getRandomValues(new Uint8Array(16));
    if (b.every((x, i) => x === c[i])) throw new Error("two draws were identical");
  },
};

export const quota = {
  test() {
    crypto.getRandomValues(new Uint8Array(65536));
    crypto.getRandomValues(new Uint32Array(16384));
    const e = throws(() => crypto.getRandomValues(new Uint8Array(65537)), isDOM("QuotaExceededError", 22), "65537 bytes");
    if (!e.message.includes("65537")) throw new Error(`message does not give the size: ${e.message}`);
    throws(() => crypto.getRandomValues(new Uint32Array(16385)), isDOM("QuotaExceededError", 22), "16385 words");
  },
};

export const rejectsOtherViews = {
  test() {
    const floats = [Float32Array, Float64Array];
    if (typeof Float16Array === "function") floats.push(Float16Array);
    for (const Kind of floats) {
      throws(() => crypto.getRandomValues(new Kind(4)), isDOM("TypeMismatchError", 17), Kind.name);
    }
    throws(() => crypto.getRandomValues(new DataView(new ArrayBuffer(4))), isDOM("TypeMismatchError", 17), "DataView");
    throws(() => crypto.getRandomValues(new ArrayBuffer(4)), isType, "ArrayBuffer");
    throws(() => crypto.getRandomValues([1, 2]), isType, "array");
    throws(() => crypto.getRandomValues(), isType, "no argument");
    throws(() => crypto.getRandomValues(null), isType, "null");
    throws(() => crypto.getRandomValues(new Uint8Array(new SharedArrayBuffer(4))), isType, "shared memory");
  },
};

export const randomUUID = {
  test() {
    const pattern = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    const seen = new Set();
    for (let i = 0; i < 1000; i++) {
      const u = crypto.randomUUID();
      if (!pattern.test(u)) throw new Error(`randomUUID() = ${u}, not a version 4 UUID`);
      seen.add(u);
    }
    eq(seen.size, 1000, "distinct UUIDs");
  },
};

export const cryptoClass = {
  test() {
    eq(crypto instanceof Crypto, true, "crypto instanceof Crypto");
    eq(Object.prototype.toString.call(crypto), "[object Crypto]", "toStringTag");
    const e = throws(() => new Crypto(), isType, "new Crypto()");
    eq(e.message, "Failed to construct 'Crypto': Illegal constructor", "message");
    throws(() => Crypto.prototype.getRandomValues.call({}, new Uint8Array(1)), isType, "getRandomValues on a plain object");
    throws(() => Crypto.prototype.randomUUID.call(Object.create(crypto)), isType, "randomUUID on an object inheriting from crypto");
    const { getRandomValues } = crypto;
    throws(() => getRandomValues(new Uint8Array(1)), isType, "detached getRandomValues");
    eq(Object.getOwnPropertyDescriptor(globalThis, "crypto").enumerable, false, "crypto is not enumerable");
    eq(crypto.subtle instanceof SubtleCrypto, true, "crypto.subtle is a SubtleCrypto");
    eq(crypto.subtle, crypto.subtle, "crypto.subtle is the same object each time");
    throws(() => Object.getOwnPropertyDescriptor(Crypto.prototype, "subtle").get.call({}), isType, "subtle getter on a plain object");
    throws(() => new SubtleCrypto(), isType, "new SubtleCrypto()");
    throws(() => new CryptoKey(), isType, "new CryptoKey()");
  },
};
