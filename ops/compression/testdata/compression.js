// Cases for ops/compression, run by compression_test.go.

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

function concat(chunks) {
  let n = 0;
  for (const c of chunks) n += c.length;
  const out = new Uint8Array(n);
  let off = 0;
  for (const c of chunks) {
    if (!(c instanceof Uint8Array)) throw new Error(`output chunk is not a Uint8Array: ${Object.prototype.toString.call(c)}`);
    out.set(c, off);
    off += c.length;
  }
  return out;
}

// run writes chunks into a transform stream and returns its output.
async function run(ts, chunks) {
  const writer = ts.writable.getWriter();
  const reading = (async () => {
    const out = [];
    for await (const c of ts.readable) out.push(c);
    return concat(out);
  })();
  const writing = (async () => {
    for (const c of chunks) await writer.write(c);
    await writer.close();
  })();
  const [out] = await Promise.all([reading, writing.catch(() => {})]);
  return out;
}

const formats = ["gzip", "deflate", "deflate-raw"];
const text = "Hello, compression! ".repeat(50) + "é€😀";
const input = new TextEncoder().encode(text);

export const roundTrip = {
  async test() {
    for (const f of formats) {
      const packed = await run(new CompressionStream(f), [input.subarray(0, 100), input.subarray(100)]);
      if (packed.length >= input.length) throw new Error(`${f}: did not compress (${packed.length} >= ${input.length})`);
      const unpacked = await run(new DecompressionStream(f), [packed]);
      eq(new TextDecoder().decode(unpacked), text, `${f} round trip`);
    }
  },
};

export const headers = {
  async test() {
    const gz = await run(new CompressionStream("gzip"), [input]);
    eq([gz[0], gz[1], gz[2]], [0x1f, 0x8b, 8], "gzip magic");
    const z = await run(new CompressionStream("deflate"), [input]);
    eq((z[0] << 8 | z[1]) % 31, 0, "zlib header check bits");
    eq(z[0] & 0x0f, 8, "zlib method");
  },
};

export const everyBoundary = {
  async test() {
    const small = new TextEncoder().encode("abcabcabc-xyz-\u00e9");
    for (const f of formats) {
      const packed = await run(new CompressionStream(f), [small]);
      for (let cut = 0; cut <= packed.length; cut++) {
        const out = await run(new DecompressionStream(f), [packed.subarray(0, cut), packed.subarray(cut)]);
        eq(Array.from(out), Array.from(small), `${f} cut at ${cut}`);
      }
      // And one byte per chunk.
      const bytes = Array.from(packed, (b) => new Uint8Array([b]));
      eq(Array.from(await run(new DecompressionStream(f), bytes)), Array.from(small), `${f} byte by byte`);
      // Compressing one byte per chunk gives the same data back.
      const packed2 = await run(new CompressionStream(f), Array.from(small, (b) => new Uint8Array([b])));
      eq(Array.from(await run(new DecompressionStream(f), [packed2])), Array.from(small), `${f} compress byte by byte`);
    }
  },
};

export const chunkTypes = {
  async test() {
    const packed = await run(new CompressionStream("gzip"), [input.buffer, new DataView(new ArrayBuffer(0)), new Uint16Array([0x6968])]);
    const out = await run(new DecompressionStream("gzip"), [packed]);
    eq(out.length, input.length + 2, "ArrayBuffer, empty DataView and Uint16Array chunks");
    await rejects(run(new CompressionStream("gzip"), ["text"]), (e) => e instanceof TypeError, "a string chunk");
    await rejects(run(new DecompressionStream("deflate"), [42]), (e) => e instanceof TypeError, "a number chunk");
  },
};

export const emptyInput = {
  async test() {
    for (const f of formats) {
      const packed = await run(new CompressionStream(f), []);
      if (packed.length === 0) throw new Error(`${f}: empty input compressed to nothing`);
      eq((await run(new DecompressionStream(f), [packed])).length, 0, `${f} empty round trip`);
      await rejects(run(new DecompressionStream(f), []), (e) => e instanceof TypeError, `${f}: no input at all is truncated`);
    }
  },
};

export const corrupt = {
  async test() {
    for (const f of formats) {
      const packed = await run(new CompressionStream(f), [input]);
      const bad = packed.slice();
      bad[f === "deflate-raw" ? 0 : 0] ^= 0xff;
      const e = await rejects(run(new DecompressionStream(f), [bad]), (e) => e instanceof TypeError, `${f} corrupt header`);
      if (!e.message.includes(f)) throw new Error(`${f}: message does not name the format: ${e.message}`);
      await rejects(run(new DecompressionStream(f), [packed.subarray(0, packed.length - 3)]), (e) => e instanceof TypeError && /truncated|not valid/.test(e.message), `${f} truncated`);
      const junk = new Uint8Array(packed.length + 1);
      junk.set(packed);
      junk[packed.length] = 0x41;
      await rejects(run(new DecompressionStream(f), [junk]), (e) => e instanceof TypeError, `${f} trailing junk in the same chunk`);
      await rejects(run(new DecompressionStream(f), [packed, new Uint8Array([0])]), (e) => e instanceof TypeError, `${f} trailing junk in a later chunk`);
    }
    // A corrupted checksum.
    const gz = await run(new CompressionStream("gzip"), [input]);
    gz[gz.length - 5] ^= 1;
    await rejects(run(new DecompressionStream("gzip"), [gz]), (e) => e instanceof TypeError, "gzip bad CRC");
    const z = await run(new CompressionStream("deflate"), [input]);
    z[z.length - 1] ^= 1;
    await rejects(run(new DecompressionStream("deflate"), [z]), (e) => e instanceof TypeError, "zlib bad Adler-32");
  },
};

export const errorsAfterError = {
  async test() {
    const ds = new DecompressionStream("gzip");
    const writer = ds.writable.getWriter();
    const reader = ds.readable.getReader();
    // The read relieves the backpressure that holds the write back.
    const read = reader.read();
    const w1 = writer.write(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]));
    await rejects(w1, (e) => e instanceof TypeError, "first write");
    await rejects(read, (e) => e instanceof TypeError, "readable errored");
    await rejects(writer.write(new Uint8Array([1])), (e) => e instanceof TypeError, "later write");
  },
};

export const cancel = {
  async test() {
    const cs = new CompressionStream("gzip");
    const writer = cs.writable.getWriter();
    writer.write(input);
    await cs.readable.cancel("stop");
    await rejects(writer.closed, () => true, "writable errored by cancel");
    const ds = new DecompressionStream("gzip");
    const w = ds.writable.getWriter();
    const packed = await run(new CompressionStream("gzip"), [input]);
    const r = ds.readable.getReader();
    const read = r.read();
    // Half a header: the Go side now waits for more, and abort releases it.
    await w.write(packed.subarray(0, 5));
    await w.abort("no more");
    const e = await rejects(read, () => true, "read after abort");
    eq(e, "no more", "abort reason reaches the reader");
  },
};

export const constructor = {
  test() {
    for (const C of [CompressionStream, DecompressionStream]) {
      let e;
      try {
        new C("brotli");
      } catch (err) {
        e = err;
      }
      if (!(e instanceof TypeError) || !e.message.includes("brotli")) throw new Error(`${C.name}("brotli"): ${e}`);
      e = undefined;
      try {
        new C();
      } catch (err) {
        e = err;
      }
      if (!(e instanceof TypeError)) throw new Error(`${C.name}(): ${e}`);
      e = undefined;
      try {
        C("gzip");
      } catch (err) {
        e = err;
      }
      if (!(e instanceof TypeError)) throw new Error(`${C.name} without new: ${e}`);
      const s = new C("deflate");
      if (!(s.readable instanceof ReadableStream) || !(s.writable instanceof WritableStream)) throw new Error(`${C.name}: readable/writable`);
      eq(Object.prototype.toString.call(s), `[object ${C.name}]`, "toStringTag");
    }
    const get = Object.getOwnPropertyDescriptor(CompressionStream.prototype, "readable").get;
    let threw = false;
    try {
      get.call(new DecompressionStream("gzip"));
    } catch (e) {
      threw = e instanceof TypeError;
    }
    if (!threw) throw new Error("CompressionStream getter accepted a DecompressionStream");
  },
};

export const pipeThroughBoth = {
  async test() {
    const rs = new ReadableStream({
      start(c) {
        for (let i = 0; i < 100; i++) c.enqueue(new TextEncoder().encode(`line ${i}\n`));
        c.close();
      },
    });
    const out = rs.pipeThrough(new CompressionStream("deflate-raw")).pipeThrough(new DecompressionStream("deflate-raw"));
    const chunks = [];
    for await (const c of out) chunks.push(c);
    const s = new TextDecoder().decode(concat(chunks));
    eq(s.split("\n").length, 101, "lines");
    eq(s.startsWith("line 0\nline 1\n"), true, "start");
  },
};
