// Cases for the legacy encodings and TextEncoderStream/TextDecoderStream,
// run by encoding_test.go with the streams family installed.

function eq(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: got ${a}, want ${e}`);
}

async function rejects(p, check, what) {
  try {
    await p;
  } catch (e) {
    if (!check(e)) throw new Error(`${what}: rejected with the wrong thing: ${e && e.name}: ${e && e.message}`);
    return e;
  }
  throw new Error(`${what}: did not reject`);
}

async function pipe(ts, chunks) {
  const writer = ts.writable.getWriter();
  const reading = (async () => {
    const out = [];
    for await (const c of ts.readable) out.push(c);
    return out;
  })();
  for (const c of chunks) await writer.write(c);
  await writer.close();
  return reading;
}

export const legacyDecode = {
  test() {
    const cases = [
      ["shift_jis", [0x82, 0xa0, 0xb1], "あｱ"],
      ["sjis", [0x85, 0x40], "\ufffd@"],
      ["windows-1252", [0x80, 0x81, 0xe9], "€\u0081é"],
      ["latin1", [0xe9], "é"],
      ["iso-8859-2", [0xa1], "Ą"],
      ["koi8-r", [0xc1], "а"],
      ["gbk", [0x81, 0x40], "丂"],
      ["gb18030", [0x84, 0x31, 0xa4, 0x37], "\ufffd"],
      ["big5", [0xa4, 0x40], "一"],
      ["euc-jp", [0xa4, 0xa2], "あ"],
      ["euc-kr", [0xb0, 0xa1], "가"],
      ["iso-2022-jp", [0x1b, 0x24, 0x42, 0x30, 0x21, 0x1b, 0x28, 0x42, 0x41], "亜A"],
      ["utf-16le", [0xff, 0xfe, 0x41, 0x00], "A"],
      ["utf-16be", [0xfe, 0xff, 0x00, 0x41], "A"],
      ["x-user-defined", [0x41, 0x80], "A\uf780"],
    ];
    for (const [label, bytes, want] of cases) {
      eq(new TextDecoder(label).decode(new Uint8Array(bytes)), want, `${label} decode`);
    }
    eq(new TextDecoder("Shift_JIS").encoding, "shift_jis", "encoding name is lower case");
    eq(new TextDecoder("utf-16").encoding, "utf-16le", "utf-16 is utf-16le");
    for (const label of ["iso-2022-kr", "hz-gb-2312", "replacement", "utf-7"]) {
      let threw = false;
      try {
        new TextDecoder(label);
      } catch (e) {
        threw = e instanceof RangeError;
      }
      if (!threw) throw new Error(`TextDecoder(${label}) did not throw a RangeError`);
    }
  },
};

export const legacyBOM = {
  test() {
    // Only UTF-8 and UTF-16 drop a BOM; ignoreBOM keeps it.
    eq(new TextDecoder("utf-16le", { ignoreBOM: true }).decode(new Uint8Array([0xff, 0xfe, 0x41, 0])), "\ufeffA", "utf-16le ignoreBOM");
    eq(new TextDecoder("gb18030").decode(new Uint8Array([0x84, 0x31, 0x95, 0x33, 0x41])), "\ufeffA", "gb18030 keeps U+FEFF");
    const d = new TextDecoder("utf-16be");
    eq(d.decode(new Uint8Array([0xfe]), { stream: true }), "", "BOM split 1");
    eq(d.decode(new Uint8Array([0xff, 0x00]), { stream: true }), "", "BOM split 2");
    eq(d.decode(new Uint8Array([0x41])), "A", "after the BOM");
  },
};

export const legacyFatal = {
  test() {
    for (const [label, bytes] of [["shift_jis", [0x85, 0x40]], ["windows-1253", [0xaa]], ["utf-16le", [0x00, 0xdc]], ["iso-2022-jp", [0x80]], ["big5", [0xa4]]]) {
      let e;
      try {
        new TextDecoder(label, { fatal: true }).decode(new Uint8Array(bytes));
      } catch (err) {
        e = err;
      }
      if (!(e instanceof TypeError)) throw new Error(`${label} fatal: ${e}`);
    }
  },
};

export const legacyStreaming = {
  test() {
    // Split at every byte, stateful ISO-2022-JP included.
    const cases = [
      ["iso-2022-jp", [0x1b, 0x24, 0x42, 0x30, 0x21, 0x24, 0x22, 0x1b, 0x28, 0x42, 0x41], "亜あA"],
      ["shift_jis", [0x82, 0xa0, 0x41, 0x82, 0xa2], "あAい"],
      ["gb18030", [0x81, 0x30, 0x81, 0x30, 0x81, 0x40], "\u0080丂"],
      ["utf-16le", [0x3d, 0xd8, 0x00, 0xde, 0x41, 0x00], "😀A"],
    ];
    for (const [label, bytes, want] of cases) {
      const u8 = new Uint8Array(bytes);
      for (let cut = 0; cut <= u8.length; cut++) {
        const d = new TextDecoder(label);
        eq(d.decode(u8.subarray(0, cut), { stream: true }) + d.decode(u8.subarray(cut)), want, `${label} cut at ${cut}`);
      }
      const d = new TextDecoder(label);
      let out = "";
      for (const b of bytes) out += d.decode(new Uint8Array([b]), { stream: true });
      eq(out + d.decode(), want, `${label} byte by byte`);
    }
  },
};

export const encoderStream = {
  async test() {
    const s = new TextEncoderStream();
    eq(s.encoding, "utf-8", "encoding");
    eq(Object.prototype.toString.call(s), "[object TextEncoderStream]", "toStringTag");
    const chunks = await pipe(s, ["a", "", "é", "\ud83d", "\ude00", "\ud83d"]);
    for (const c of chunks) if (!(c instanceof Uint8Array)) throw new Error("chunk is not a Uint8Array");
    const all = chunks.flatMap((c) => Array.from(c));
    // The split pair is one character; the lone high surrogate at the end
    // is U+FFFD.
    eq(all, [0x61, 0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80, 0xef, 0xbf, 0xbd], "bytes");
    eq(chunks.length, 4, "no empty chunks");
    const t = new TextEncoderStream();
    eq(Array.from((await pipe(t, [12]))[0]), [0x31, 0x32], "chunks are converted to strings");
  },
};

export const decoderStream = {
  async test() {
    const s = new TextDecoderStream("shift_jis", { fatal: false });
    eq([s.encoding, s.fatal, s.ignoreBOM], ["shift_jis", false, false], "attributes");
    eq(Object.prototype.toString.call(s), "[object TextDecoderStream]", "toStringTag");
    eq(await pipe(s, [new Uint8Array([0x82]), new Uint8Array([0xa0, 0x41]), new Uint8Array([0x82])]), ["あA", "\ufffd"], "split character and a flushed tail");
    const u = new TextDecoderStream();
    const euro = new TextEncoder().encode("€😀");
    eq((await pipe(u, [euro.subarray(0, 2), euro.subarray(2, 5), euro.slice(5).buffer])).join(""), "€😀", "utf-8 split");
    const bom = new TextDecoderStream();
    eq(await pipe(bom, [new Uint8Array([0xef, 0xbb]), new Uint8Array([0xbf, 0x41])]), ["A"], "BOM split across chunks");
    for (const bad of ["nope", "replacement"]) {
      let threw = false;
      try {
        new TextDecoderStream(bad);
      } catch (e) {
        threw = e instanceof RangeError;
      }
      if (!threw) throw new Error(`TextDecoderStream(${bad}) did not throw a RangeError`);
    }
  },
};

export const decoderStreamErrors = {
  async test() {
    const f = new TextDecoderStream("utf-8", { fatal: true });
    await rejects(pipe(f, [new Uint8Array([0xff])]), (e) => e instanceof TypeError, "fatal error errors the stream");
    const g = new TextDecoderStream("utf-8", { fatal: true });
    await rejects(pipe(g, [new Uint8Array([0xe2, 0x82])]), (e) => e instanceof TypeError, "truncated at the end");
    const h = new TextDecoderStream();
    await rejects(pipe(h, ["text"]), (e) => e instanceof TypeError, "a string chunk");
    const getter = Object.getOwnPropertyDescriptor(TextDecoderStream.prototype, "readable").get;
    let threw = false;
    try {
      getter.call(new TextEncoderStream());
    } catch (e) {
      threw = e instanceof TypeError;
    }
    if (!threw) throw new Error("TextDecoderStream getter accepted a TextEncoderStream");
  },
};

export const pipeThrough = {
  async test() {
    const src = new ReadableStream({
      start(c) {
        c.enqueue("héllo ");
        c.enqueue("wörld");
        c.close();
      },
    });
    let out = "";
    for await (const s of src.pipeThrough(new TextEncoderStream()).pipeThrough(new TextDecoderStream())) out += s;
    eq(out, "héllo wörld", "round trip through both streams");
  },
};
