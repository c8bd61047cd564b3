// Named cases for Blob, File, FormData and the multipart/form-data
// internals (reached through the test-only global blobInternals).

function eq(what, got, want) {
  if (got !== want) throw new Error(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}

function bytesEq(what, got, want) {
  const g = Array.from(got);
  if (g.length !== want.length || g.some((b, i) => b !== want[i])) {
    throw new Error(`${what}: got [${g}], want [${want}]`);
  }
}

async function throwsType(what, fn, fragment) {
  try {
    await fn();
  } catch (e) {
    if (!(e instanceof TypeError)) throw new Error(`${what}: threw ${e}, want a TypeError`);
    if (fragment !== undefined && !e.message.includes(fragment)) {
      throw new Error(`${what}: message ${JSON.stringify(e.message)} does not mention ${JSON.stringify(fragment)}`);
    }
    return;
  }
  throw new Error(`${what}: did not throw`);
}

export const blobFromParts = {
  async test() {
    const u8 = new Uint8Array([0x61, 0x62]);
    const b = new Blob(["héllo ", u8, new DataView(new Uint8Array([0x63]).buffer), new Blob(["!"]), u8.buffer]);
    u8[0] = 0x7a; // the blob copied its bytes
    eq("size", b.size, 7 + 2 + 1 + 1 + 2);
    eq("text", await b.text(), "héllo abc!ab");
    eq("type default", b.type, "");
    eq("empty", new Blob().size, 0);
    eq("empty text", await new Blob([]).text(), "");
    eq("lone surrogate", await new Blob(["\ud800"]).text(), "\ufffd");
    eq("number part", await new Blob([12, null]).text(), "12null");
    await throwsType("not a sequence", () => new Blob("abc"), "sequence");
    await throwsType("not a sequence (number)", () => new Blob(5), "sequence");
  },
};

export const blobTypes = {
  test() {
    eq("lowercased", new Blob([], { type: "Text/HTML;Charset=UTF-8" }).type, "text/html;charset=utf-8");
    eq("non-ASCII", new Blob([], { type: "text/plaîn" }).type, "");
    eq("control char", new Blob([], { type: "text/plain\n" }).type, "");
    eq("slice type", new Blob(["x"], { type: "a/b" }).slice(0, 1).type, "");
    eq("slice contentType", new Blob(["x"]).slice(0, 1, "IMAGE/PNG").type, "image/png");
    eq("toStringTag", Object.prototype.toString.call(new Blob()), "[object Blob]");
  },
};

export const blobEndings = {
  async test() {
    eq("transparent", await new Blob(["a\r\nb\rc\n"]).text(), "a\r\nb\rc\n");
    eq("native", await new Blob(["a\r\nb\rc\n"], { endings: "native" }).text(), "a\nb\nc\n");
    await throwsType("bad enum", () => new Blob([], { endings: "unix" }), "EndingType");
  },
};

export const blobSlicing = {
  async test() {
    const b = new Blob(["abc", "def", new Uint8Array([0x67, 0x68])]);
    eq("slice()", await b.slice().text(), "abcdefgh");
    eq("slice(2)", await b.slice(2).text(), "cdefgh");
    eq("slice(2, 5) across parts", await b.slice(2, 5).text(), "cde");
    eq("slice(-3)", await b.slice(-3).text(), "fgh");
    eq("slice(-3, -1)", await b.slice(-3, -1).text(), "fg");
    eq("slice(-100, 2)", await b.slice(-100, 2).text(), "ab");
    eq("slice(5, 2) is empty", b.slice(5, 2).size, 0);
    eq("slice(3, 100)", await b.slice(3, 100).text(), "defgh");
    eq("slice of slice", await b.slice(1, 7).slice(2, 4).text(), "de");
    eq("slice size", b.slice(1, 7).size, 6);
    eq("slice([Clamp] rounds 1.9, 3.2)", await b.slice(1.9, 3.2).text(), "c");
    // A slice shares the bytes but its own reads are copies.
    const s = b.slice(0, 3);
    const got = await s.bytes();
    got[0] = 0;
    eq("bytes are a copy", await s.text(), "abc");
  },
};

export const blobReaders = {
  async test() {
    const b = new Blob(["ab", "cd"]);
    const ab = await b.arrayBuffer();
    eq("arrayBuffer is ArrayBuffer", ab instanceof ArrayBuffer, true);
    bytesEq("arrayBuffer", new Uint8Array(ab), [0x61, 0x62, 0x63, 0x64]);
    const u8 = await b.bytes();
    eq("bytes is Uint8Array", u8 instanceof Uint8Array, true);
    bytesEq("bytes", u8, [0x61, 0x62, 0x63, 0x64]);
    eq("bytes whole buffer", u8.byteLength, u8.buffer.byteLength);
    eq("utf-8 split across parts", await new Blob([new Uint8Array([0xe2, 0x82]), new Uint8Array([0xac])]).text(), "€");
    await throwsType("text brand", () => Blob.prototype.text.call({}), "Illegal invocation");
    await throwsType("size brand", () => Object.getOwnPropertyDescriptor(Blob.prototype, "size").get.call({}), "Illegal invocation");
  },
};

export const blobStream = {
  async test() {
    const big = new Uint8Array(150 * 1024).map((_, i) => i & 0xff);
    const b = new Blob(["head", big, "tail"]);
    const s = b.stream();
    eq("stream is ReadableStream", s instanceof ReadableStream, true);
    const chunks = [];
    for await (const c of s) chunks.push(c);
    if (chunks.length < 3) throw new Error(`stream: ${chunks.length} chunks, want the big part split`);
    const all = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
    let off = 0;
    for (const c of chunks) {
      if (!(c instanceof Uint8Array)) throw new Error("stream chunk is not a Uint8Array");
      all.set(c, off);
      off += c.byteLength;
    }
    eq("stream length", all.byteLength, b.size);
    eq("stream content", new TextDecoder().decode(all.subarray(0, 4)) + all[4 + 300] + new TextDecoder().decode(all.subarray(all.length - 4)), "head" + (300 & 0xff) + "tail");
    // The blob is still whole after its stream was read (the stream
    // transferred copies, not the blob's own buffers).
    eq("blob intact", (await b.slice(0, 4).text()) + (await b.slice(-4).text()), "headtail");
    const r = new Blob().stream().getReader();
    eq("empty stream done", (await r.read()).done, true);
  },
};

export const file = {
  async test() {
    const before = Date.now();
    const f = new File(["a", "b"], "notes.txt", { type: "Text/Plain" });
    eq("name", f.name, "notes.txt");
    eq("type", f.type, "text/plain");
    eq("text", await f.text(), "ab");
    eq("instanceof Blob", f instanceof Blob, true);
    if (!(f.lastModified >= before && f.lastModified <= Date.now())) throw new Error(`lastModified ${f.lastModified} is not Date.now()`);
    eq("lastModified option", new File([], "x", { lastModified: 42 }).lastModified, 42);
    eq("toStringTag", Object.prototype.toString.call(f), "[object File]");
    eq("slice is a Blob", f.slice(0, 1) instanceof File, false);
    await throwsType("File needs 2 args", () => new File([]), "2 arguments required");
    await throwsType("name brand", () => Object.getOwnPropertyDescriptor(File.prototype, "name").get.call(new Blob()), "Illegal invocation");
  },
};

export const formDataOrderSetDelete = {
  test() {
    const fd = new FormData();
    fd.append("a", "1");
    fd.append("b", "2");
    fd.append("a", "3");
    fd.append("c", 4);
    eq("get first", fd.get("a"), "1");
    eq("getAll", JSON.stringify(fd.getAll("a")), '["1","3"]');
    eq("get missing", fd.get("zz"), null);
    eq("has", fd.has("b") && !fd.has("zz"), true);
    fd.set("a", "5");
    eq("set replaces first, drops others", JSON.stringify([...fd]), '[["a","5"],["b","2"],["c","4"]]');
    fd.set("d", "6");
    eq("set appends new", JSON.stringify([...fd.keys()]), '["a","b","c","d"]');
    fd.delete("b");
    eq("delete", JSON.stringify([...fd.values()]), '["5","4","6"]');
    eq("lone surrogate name", new FormData().has("x"), false);
    const g = new FormData();
    g.append("\ud800", "v\udc00");
    eq("USVString", JSON.stringify([...g][0]), JSON.stringify(["\ufffd", "v\ufffd"]));
  },
};

export const formDataIteration = {
  test() {
    const fd = new FormData();
    fd.append("x", "1");
    fd.append("y", "2");
    const it = fd.entries();
    eq("iterator tag", Object.prototype.toString.call(it), "[object FormData Iterator]");
    eq("Symbol.iterator is entries", fd[Symbol.iterator], FormData.prototype.entries);
    const first = it.next();
    fd.append("z", "3"); // the iterator is live
    const rest = [...it];
    eq("live iteration", JSON.stringify([first.value, ...rest]), '[["x","1"],["y","2"],["z","3"]]');
    const seen = [];
    const thisArg = {};
    fd.forEach(function (value, name, obj) {
      seen.push(name + "=" + value + (obj === fd) + (this === thisArg));
    }, thisArg);
    eq("forEach", seen.join(","), "x=1truetrue,y=2truetrue,z=3truetrue");
  },
};

export const formDataFiles = {
  async test() {
    const fd = new FormData();
    fd.append("blob", new Blob(["abc"], { type: "text/x" }));
    const b = fd.get("blob");
    eq("blob becomes File", b instanceof File, true);
    eq("default filename", b.name, "blob");
    eq("type kept", b.type, "text/x");
    eq("content", await b.text(), "abc");
    const f = new File(["z"], "orig.txt", { lastModified: 7 });
    fd.append("f", f);
    eq("File kept as is", fd.get("f"), f);
    fd.append("g", f, "renamed.txt");
    const g = fd.get("g");
    eq("renamed", g.name, "renamed.txt");
    eq("renamed keeps lastModified", g.lastModified, 7);
    eq("renamed is new", g !== f, true);
    fd.set("blob", new Blob(["q"]), "q.bin");
    eq("set with filename", fd.get("blob").name, "q.bin");
    await throwsType("filename with a string value", () => fd.append("x", "v", "name"), "Blob");
    await throwsType("append needs 2", () => fd.append("x"), "2 arguments required");
    await throwsType("form argument", () => new FormData({}), "HTMLFormElement");
    await throwsType("brand", () => FormData.prototype.get.call({}, "x"), "Illegal invocation");
  },
};

export const multipartRoundTrip = {
  async test() {
    const { serializeMultipart, parseMultipart } = blobInternals;
    const fd = new FormData();
    fd.append("plain", "line1\nline2\rline3\r\n");
    fd.append('we"ird\nname', "ü");
    fd.append("file", new File([new Uint8Array([0, 1, 2, 0xff]), "\r\n--x"], 'a"b.bin', { type: "application/x-thing" }));
    fd.append("empty", new Blob([]));
    const { body, contentType } = serializeMultipart(fd);
    const m = /^multipart\/form-data; boundary=(.+)$/.exec(contentType);
    if (m === null) throw new Error(`contentType ${contentType}`);
    const boundary = m[1];
    const text = String.fromCharCode(...body);
    const want =
      `--${boundary}\r\nContent-Disposition: form-data; name="plain"\r\n\r\nline1\r\nline2\r\nline3\r\n\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="we%22ird%0D%0Aname"\r\n\r\nÃ¼\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a%22b.bin"\r\nContent-Type: application/x-thing\r\n\r\n\x00\x01\x02ÿ\r\n--x\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="empty"; filename="blob"\r\nContent-Type: application/octet-stream\r\n\r\n\r\n` +
      `--${boundary}--\r\n`;
    eq("serialized", text, want);
    const back = parseMultipart(body, contentType);
    eq("names", JSON.stringify([...back.keys()]), JSON.stringify(["plain", "we%22ird%0D%0Aname", "file", "empty"]));
    eq("plain value", back.get("plain"), "line1\r\nline2\r\nline3\r\n");
    eq("utf-8 value", back.get("we%22ird%0D%0Aname"), "ü");
    const f = back.get("file");
    eq("file is File", f instanceof File, true);
    eq("file name", f.name, "a%22b.bin");
    eq("file type", f.type, "application/x-thing");
    bytesEq("file bytes", await f.bytes(), [0, 1, 2, 0xff, 13, 10, 45, 45, 120]);
    eq("empty file", back.get("empty").size, 0);
    const other = serializeMultipart(fd).contentType;
    if (other === contentType) throw new Error("two serializations used the same boundary");
  },
};

export const multipartQuotedBoundaryAndPreamble = {
  async test() {
    const body = new TextEncoder().encode(
      'preamble\r\n--a b\r\ncontent-disposition: form-data; name=x\r\n\r\n1\r\n--a b\r\nContent-Disposition: form-data; name="up"; filename="u.txt"\r\n\r\nhi\r\n--a b--\r\nepilogue',
    );
    const fd = blobInternals.parseMultipart(body, 'multipart/form-data; charset=utf-8; BOUNDARY="a b"');
    eq("unquoted name", fd.get("x"), "1");
    eq("file default type", fd.get("up").type, "text/plain");
    eq("file content", await fd.get("up").text(), "hi");
  },
};

export const multipartMalformed = {
  async test() {
    const { parseMultipart } = blobInternals;
    const enc = (s) => new TextEncoder().encode(s);
    const cases = [
      ["no boundary", enc("--b\r\n"), "multipart/form-data", "no boundary parameter"],
      ["boundary absent", enc("hello"), "multipart/form-data; boundary=b", "does not occur"],
      ["no closing delimiter", enc('--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nx'), "multipart/form-data; boundary=b", "not ended by a delimiter"],
      ["truncated after part", enc('--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--b'), "multipart/form-data; boundary=b", "without the closing delimiter"],
      ["no disposition", enc("--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--"), "multipart/form-data; boundary=b", "no Content-Disposition"],
      ["not form-data", enc('--b\r\nContent-Disposition: attachment; name="a"\r\n\r\nx\r\n--b--'), "multipart/form-data; boundary=b", "not form-data"],
      ["no name", enc("--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--"), "multipart/form-data; boundary=b", "no name parameter"],
      ["headers unterminated", enc('--b\r\nContent-Disposition: form-data; name="a"'), "multipart/form-data; boundary=b", "do not end"],
      ["headers run into the next part", enc('--b\r\nContent-Disposition: form-data; name="a"\r\n--b\r\nContent-Disposition: form-data; name="c"\r\n\r\nx\r\n--b--'), "multipart/form-data; boundary=b", "part 1 do not end"],
      ["garbage after delimiter", enc('--bxx\r\n'), "multipart/form-data; boundary=b", "not followed by CRLF"],
    ];
    for (const [what, body, ct, fragment] of cases) await throwsType(what, () => parseMultipart(body, ct), fragment);
  },
};

export const conversionOrder = {
  test() {
    const log = [];
    const part = { toString() { log.push("part"); return "p"; } };
    const options = {
      get endings() { log.push("endings"); return undefined; },
      get type() { log.push("type"); return "x/y"; },
      get lastModified() { log.push("lastModified"); return 1; },
    };
    new Blob([part], options);
    eq("Blob order", log.join(","), "part,endings,type");
    log.length = 0;
    new File([part], { toString() { log.push("name"); return "n"; } }, options);
    eq("File order", log.join(","), "part,name,endings,type,lastModified");
  },
};

export const multipartGarbage = {
  test() {
    // Random mutations of a valid body either parse or throw a TypeError;
    // nothing else escapes and nothing hangs.
    const fd = new FormData();
    fd.append("a", "1");
    fd.append("f", new File(["xyz"], "f.txt", { type: "text/plain" }));
    const { body, contentType } = blobInternals.serializeMultipart(fd);
    let seed = 12345;
    const rand = (n) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    let parsed = 0;
    for (let i = 0; i < 500; i++) {
      const b = body.slice(0, rand(body.length + 1));
      for (let k = rand(4); k > 0; k--) b[rand(b.length || 1)] = [0x0d, 0x0a, 0x2d, 0x22, rand(256)][rand(5)];
      try {
        blobInternals.parseMultipart(b, contentType);
        parsed++;
      } catch (e) {
        if (!(e instanceof TypeError)) throw new Error(`mutation ${i}: threw ${e}, want a TypeError`);
      }
    }
    if (parsed === 500) throw new Error("no mutation was rejected");
  },
};
