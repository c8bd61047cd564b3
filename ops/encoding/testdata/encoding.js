// Cases for ops/encoding, run by encoding_test.go.

function eq(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: got ${a}, want ${e}`);
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
const isRange = (e) => e instanceof RangeError;
const isInvalidChar = (e) => e instanceof DOMException && e.name === "InvalidCharacterError" && e.code === 5;
const bytes = (u8) => Array.from(u8);

export const encode = {
  test() {
    const enc = new TextEncoder();
    eq(enc.encoding, "utf-8", "encoding");
    const cases = [
      ["", []],
      ["abc", [97, 98, 99]],
      ["é", [0xc3, 0xa9]],
      ["€", [0xe2, 0x82, 0xac]],
      ["😀", [0xf0, 0x9f, 0x98, 0x80]],
      ["\ud800", [0xef, 0xbf, 0xbd]],
      ["a\udc00b", [0x61, 0xef, 0xbf, 0xbd, 0x62]],
      ["\u0000x", [0, 0x78]],
    ];
    for (const [s, want] of cases) {
      const out = enc.encode(s);
      if (!(out instanceof Uint8Array)) throw new Error(`encode(${JSON.stringify(s)}) is not a Uint8Array`);
      eq(bytes(out), want, `encode(${JSON.stringify(s)})`);
    }
    eq(bytes(enc.encode()), [], "encode() is empty");
    eq(bytes(enc.encode(undefined)), [], "encode(undefined) is empty");
    eq(bytes(enc.encode(null)), [110, 117, 108, 108], "encode(null)");
    eq(bytes(enc.encode(12)), [49, 50], "encode(12)");
    const a = enc.encode("x");
    const b = enc.encode("x");
    if (a === b || a.buffer === b.buffer) throw new Error("encode results share memory");
  },
};

export const encodeLarge = {
  test() {
    const s = "ab€".repeat(400000); // 2 MB of UTF-8, past the scratch buffer
    const out = new TextEncoder().encode(s);
    eq(out.length, 2000000, "length");
    eq(bytes(out.subarray(out.length - 5)), [0x61, 0x62, 0xe2, 0x82, 0xac], "tail");
    eq(new TextDecoder().decode(out) === s, true, "round trip");
  },
};

export const encodeInto = {
  test() {
    const enc = new TextEncoder();
    const cases = [
      // [source, destination size, read, written, bytes]
      ["héllo", 3, 2, 3, [0x68, 0xc3, 0xa9]],
      ["héllo", 2, 1, 1, [0x68, 0]],
      ["😀a", 3, 0, 0, [0, 0, 0]],
      ["😀a", 4, 2, 4, [0xf0, 0x9f, 0x98, 0x80]],
      ["😀a", 10, 3, 5, [0xf0, 0x9f, 0x98, 0x80, 0x61, 0, 0, 0, 0, 0]],
      ["€€", 5, 1, 3, [0xe2, 0x82, 0xac, 0, 0]],
      ["", 4, 0, 0, [0, 0, 0, 0]],
      ["abc", 0, 0, 0, []],
      ["\ud800", 3, 1, 3, [0xef, 0xbf, 0xbd]],
    ];
    for (const [src, size, read, written, want] of cases) {
      const dest = new Uint8Array(size);
      const r = enc.encodeInto(src, dest);
      eq([r.read, r.written], [read, written], `encodeInto(${JSON.stringify(src)}, ${size}) read/written`);
      eq(bytes(dest), want, `encodeInto(${JSON.stringify(src)}, ${size}) bytes`);
    }
    const backing = new Uint8Array(8);
    const r = enc.encodeInto("hi", backing.subarray(3, 6));
    eq([r.read, r.written], [2, 2], "into a subarray");
    eq(bytes(backing), [0, 0, 0, 0x68, 0x69, 0, 0, 0], "subarray offset respected");
    const shared = new Uint8Array(new SharedArrayBuffer(4));
    enc.encodeInto("ok", shared);
    eq(bytes(shared), [0x6f, 0x6b, 0, 0], "shared destination");
    throws(() => enc.encodeInto("a", new Uint16Array(2)), isType, "Uint16Array destination");
    throws(() => enc.encodeInto("a", new ArrayBuffer(2)), isType, "ArrayBuffer destination");
    throws(() => enc.encodeInto("a"), isType, "missing destination");
  },
};

export const encoderBrand = {
  test() {
    throws(() => TextEncoder.prototype.encode.call({}, "a"), isType, "encode on a plain object");
    throws(() => Object.getOwnPropertyDescriptor(TextEncoder.prototype, "encoding").get.call({}), isType, "encoding getter");
    throws(() => TextEncoder(), isType, "call without new");
    eq(Object.prototype.toString.call(new TextEncoder()), "[object TextEncoder]", "toStringTag");
  },
};

export const labels = {
  test() {
    for (const label of ["utf-8", "utf8", "UTF-8", "unicode-1-1-utf-8", " \t\nUtF8\f\r", "unicode11utf8", "unicode20utf8", "x-unicode20utf8"]) {
      eq(new TextDecoder(label).encoding, "utf-8", `label ${JSON.stringify(label)}`);
    }
    eq(new TextDecoder().encoding, "utf-8", "default label");
    eq(new TextDecoder(undefined).encoding, "utf-8", "undefined label");
    for (const label of ["nope", "utf-9", "", "utf\u00a0-8", "replacement"]) {
      throws(() => new TextDecoder(label), isRange, `label ${JSON.stringify(label)}`);
    }
    const e = throws(() => new TextDecoder("bogus"), isRange, "message");
    if (!e.message.includes("'bogus'")) throw new Error(`message does not name the label: ${e.message}`);
    throws(() => new TextDecoder("utf-8", 5), isType, "options not a dictionary");
    const d = new TextDecoder("utf-8", { fatal: 1, ignoreBOM: "yes" });
    eq([d.fatal, d.ignoreBOM], [true, true], "options converted to booleans");
    const plain = new TextDecoder("utf-8", null);
    eq([plain.fatal, plain.ignoreBOM], [false, false], "null options");
  },
};

export const decode = {
  test() {
    const d = new TextDecoder();
    eq(d.decode(new Uint8Array([0x68, 0xc3, 0xa9, 0xe2, 0x82, 0xac])), "hé€", "Uint8Array");
    eq(d.decode(new Uint8Array([0x61, 0x62]).buffer), "ab", "ArrayBuffer");
    eq(d.decode(new DataView(new Uint8Array([0x78, 0x61, 0x62, 0x78]).buffer, 1, 2)), "ab", "DataView window");
    eq(d.decode(new Uint16Array([0x6968])), "hi", "Uint16Array bytes");
    const sab = new Uint8Array(new SharedArrayBuffer(2));
    sab.set([0x6f, 0x6b]);
    eq(d.decode(sab), "ok", "shared memory");
    eq(d.decode(), "", "no input");
    eq(d.decode(new Uint8Array(0)), "", "empty input");
    eq(d.decode(new Uint8Array([0x41, 0, 0x42])), "A\u0000B", "NUL kept");
    throws(() => d.decode("abc"), isType, "string input");
    throws(() => d.decode(null), isType, "null input");
    throws(() => d.decode(new Uint8Array(1), 3), isType, "options not a dictionary");
  },
};

export const replacement = {
  test() {
    const d = new TextDecoder();
    const cases = [
      [[0xe2, 0x82, 0x41], "\ufffdA"],
      [[0xf0, 0x80, 0x80], "\ufffd\ufffd\ufffd"],
      [[0xed, 0xa0, 0x80], "\ufffd\ufffd\ufffd"],
      [[0xc0, 0xaf], "\ufffd\ufffd"],
      [[0xff], "\ufffd"],
      [[0x41, 0xe2, 0x82], "A\ufffd"],
      [[0xf4, 0x90, 0x80, 0x80], "\ufffd\ufffd\ufffd\ufffd"],
      [[0xf0, 0x9f, 0x98], "\ufffd"],
      [[0xe0, 0x80], "\ufffd\ufffd"],
      [[0x80, 0x80], "\ufffd\ufffd"],
      [[0xf1, 0x80, 0x80, 0x41], "\ufffdA"],
      [[0x61, 0xf0, 0x9f, 0x98, 0x80, 0xfe, 0x62], "a😀\ufffdb"],
    ];
    for (const [input, want] of cases) {
      eq(d.decode(new Uint8Array(input)), want, `decode(${JSON.stringify(input)})`);
    }
  },
};

export const fatal = {
  test() {
    const d = new TextDecoder("utf-8", { fatal: true });
    eq(d.fatal, true, "fatal getter");
    eq(d.decode(new Uint8Array([0xe2, 0x82, 0xac])), "€", "valid input");
    for (const bad of [[0xff], [0xe2, 0x82, 0x41], [0x41, 0xe2, 0x82], [0xed, 0xa0, 0x80]]) {
      throws(() => d.decode(new Uint8Array(bad)), isType, `fatal decode(${JSON.stringify(bad)})`);
    }
    // An incomplete sequence is not an error until the stream ends.
    eq(d.decode(new Uint8Array([0xe2, 0x82]), { stream: true }), "", "partial, streaming");
    throws(() => d.decode(), isType, "flush of a partial sequence");
    eq(d.decode(new Uint8Array([0x61])), "a", "usable after an error");
  },
};

export const bom = {
  test() {
    const withBOM = new Uint8Array([0xef, 0xbb, 0xbf, 0x41]);
    eq(new TextDecoder().decode(withBOM), "A", "BOM dropped");
    eq(new TextDecoder("utf-8", { ignoreBOM: true }).decode(withBOM), "\ufeffA", "ignoreBOM keeps it");
    const d = new TextDecoder();
    eq(d.decode(withBOM), "A", "first call");
    eq(d.decode(withBOM), "A", "each non-streaming call starts afresh");
    eq(d.decode(new Uint8Array([0x41, 0xef, 0xbb, 0xbf])), "A\ufeff", "only a leading BOM");
    const s = new TextDecoder();
    eq(s.decode(withBOM, { stream: true }), "A", "stream: first chunk");
    eq(s.decode(withBOM, { stream: true }), "\ufeffA", "stream: BOM in a later chunk is text");
    eq(s.decode(), "", "flush");
    eq(s.decode(withBOM), "A", "new stream after the flush");
    const split = new TextDecoder();
    eq(split.decode(new Uint8Array([0xef]), { stream: true }), "", "BOM split 1");
    eq(split.decode(new Uint8Array([0xbb, 0xbf, 0x41]), { stream: true }), "A", "BOM split 2");
    eq(split.decode(new Uint8Array([0xef, 0xbb, 0xbf])), "\ufeff", "BOM split 3");
    const onlyBOM = new TextDecoder();
    eq(onlyBOM.decode(new Uint8Array([0xef, 0xbb, 0xbf]), { stream: true }), "", "a chunk that is only the BOM");
    eq(onlyBOM.decode(new Uint8Array([0xef, 0xbb, 0xbf])), "\ufeff", "the next BOM is text");
  },
};

export const streaming = {
  test() {
    const d = new TextDecoder();
    const euro = [0xe2, 0x82, 0xac];
    let out = "";
    for (const b of euro) out += d.decode(new Uint8Array([b]), { stream: true });
    out += d.decode();
    eq(out, "€", "byte by byte");

    const emoji = new TextEncoder().encode("a😀b€c");
    for (let cut = 0; cut <= emoji.length; cut++) {
      const s = new TextDecoder();
      const got = s.decode(emoji.subarray(0, cut), { stream: true }) + s.decode(emoji.subarray(cut));
      eq(got, "a😀b€c", `cut at ${cut}`);
    }
    const t = new TextDecoder();
    eq(t.decode(new Uint8Array([0x61, 0xf0, 0x9f]), { stream: true }), "a", "tail kept");
    eq(t.decode(), "\ufffd", "incomplete tail at the end is U+FFFD");
    const u = new TextDecoder();
    eq(u.decode(new Uint8Array([0xff, 0xe2]), { stream: true }), "\ufffd", "invalid byte, then a tail");
    eq(u.decode(new Uint8Array([0x41]), { stream: true }), "\ufffdA", "tail cut short by the next chunk");
  },
};

export const decodeLarge = {
  test() {
    const s = "x€".repeat(300000);
    const b = new TextEncoder().encode(s);
    eq(b.length, 1200000, "length");
    eq(new TextDecoder().decode(b) === s, true, "large decode");
    const d = new TextDecoder();
    const half = 600001; // inside a €
    eq(d.decode(b.subarray(0, half), { stream: true }) + d.decode(b.subarray(half)) === s, true, "large streaming decode");
  },
};

export const decoderBrand = {
  test() {
    throws(() => TextDecoder.prototype.decode.call({}), isType, "decode on a plain object");
    throws(() => Object.getOwnPropertyDescriptor(TextDecoder.prototype, "encoding").get.call(new TextEncoder()), isType, "getter on a TextEncoder");
    eq(Object.prototype.toString.call(new TextDecoder()), "[object TextDecoder]", "toStringTag");
  },
};

export const base64 = {
  test() {
    const pairs = [
      ["", ""],
      ["f", "Zg=="],
      ["fo", "Zm8="],
      ["foo", "Zm9v"],
      ["hello", "aGVsbG8="],
      ["\xff\xfe\x00\x80", "//4AgA=="],
    ];
    for (const [plain, b64] of pairs) {
      eq(btoa(plain), b64, `btoa(${JSON.stringify(plain)})`);
      eq(atob(b64), plain, `atob(${JSON.stringify(b64)})`);
    }
    let all = "";
    for (let i = 0; i < 256; i++) all += String.fromCharCode(i);
    eq(atob(btoa(all)), all, "all 256 code points round trip");
    eq(btoa(12), "MTI=", "btoa converts to a string");
    eq(btoa(null), "bnVsbA==", "btoa(null)");
  },
};

export const atobForgiving = {
  test() {
    const ok = [
      [" aGVs bG8= \n", "hello"],
      ["aGVsbG8", "hello"],
      ["\taG\fVs\rbG8=", "hello"],
      ["YQ", "a"],
      ["YR==", "a"],
      ["YR", "a"],
      ["Zg= =", "f"],
      ["", ""],
      [null, "\x9e\xe9e"],
    ];
    for (const [input, want] of ok) eq(atob(input), want, `atob(${JSON.stringify(input)})`);
    const bad = ["aGVsbG8==", "a", "ab=c", "a===", "Zm9v!", "Zm9v\u00a0", "é", "\u2028Zg==", "=Zm8", undefined];
    for (const input of bad) {
      const e = throws(() => atob(input), isInvalidChar, `atob(${JSON.stringify(input)})`);
      if (!e.message.includes("not correctly encoded")) throw new Error(`atob message: ${e.message}`);
    }
    throws(() => atob(), isType, "atob()");
  },
};

export const btoaRejects = {
  test() {
    const e = throws(() => btoa("ab€"), isInvalidChar, "btoa of a non-Latin1 character");
    if (!e.message.includes("index 2")) throw new Error(`btoa message does not say where: ${e.message}`);
    throws(() => btoa("\ud83d\ude00"), isInvalidChar, "btoa of an emoji");
    throws(() => btoa("\u0100"), isInvalidChar, "btoa of U+0100");
    throws(() => btoa(), isType, "btoa()");
  },
};

export const sharedHelpers = {
  test() {
    eq(bytes(encodingInternals.encodeUTF8("é")), [0xc3, 0xa9], "encodeUTF8");
    eq(encodingInternals.decodeUTF8(new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0xff])), "h\ufffd", "decodeUTF8");
  },
};
