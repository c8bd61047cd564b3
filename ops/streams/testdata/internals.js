// Cases for the internals the streams family shares with other families
// (core.use("streams")), exposed to these cases by streams_test.go as
// __streams, with Go-backed byte sources as __goSource.

function assert(cond, what) {
  if (!cond) throw new Error(`assertion failed: ${what}`);
}

function assertEq(actual, expected, what) {
  if (!Object.is(actual, expected)) {
    throw new Error(`${what}: got ${JSON.stringify(actual)}, want ${JSON.stringify(expected)}`);
  }
}

async function assertRejects(p, Ctor, what) {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof Ctor)) throw new Error(`${what}: rejected with ${e}, want a ${Ctor.name}`);
    return e;
  }
  throw new Error(`${what}: fulfilled, want a rejection`);
}

async function flush(n = 30) {
  for (let i = 0; i < n; i++) await undefined;
}

export const predicates = {
  async test() {
    const s = __streams;
    const rs = new ReadableStream();
    assertEq(s.isReadableStream(rs), true, "isReadableStream(ReadableStream)");
    assertEq(s.isReadableStream({}), false, "isReadableStream({})");
    assertEq(s.isReadableStream(null), false, "isReadableStream(null)");
    assertEq(s.isWritableStream(new WritableStream()), true, "isWritableStream");
    assertEq(s.isTransformStream(new TransformStream()), true, "isTransformStream");
    assertEq(s.isDisturbed(rs), false, "a new stream is not disturbed");
    assertEq(s.isLocked(rs), false, "nor locked");
    const reader = rs.getReader();
    assertEq(s.isLocked(rs), true, "locked by a reader");
    assertEq(s.isDisturbed(rs), false, "locking does not disturb");
    reader.read();
    assertEq(s.isDisturbed(rs), true, "reading disturbs");
    const other = new ReadableStream();
    s.setDisturbed(other);
    assertEq(s.isDisturbed(other), true, "setDisturbed");
    const canceled = new ReadableStream();
    await canceled.cancel();
    assertEq(s.isDisturbed(canceled), true, "canceling disturbs");
    assertEq(s.isClosed(canceled), true, "a canceled stream is closed");
  },
};

export const pullStreamFromGo = {
  async test() {
    const { stream } = __goSource(3, 5);
    assert(__streams.isReadableStream(stream), "a ReadableStream");
    const chunks = [];
    for await (const chunk of stream) {
      assert(chunk instanceof Uint8Array, "chunks are Uint8Arrays");
      chunks.push([...chunk]);
    }
    assertEq(JSON.stringify(chunks), JSON.stringify([[1, 1, 1, 1, 1], [2, 2, 2, 2, 2], [3, 3, 3, 3, 3]]), "chunks");
  },
};

export const pullStreamIsLazy = {
  async test() {
    const { id, stream } = __goSource(4, 2);
    await flush();
    assertEq(__goRemaining(id), 4, "nothing pulled before a read");
    const reader = stream.getReader();
    await reader.read();
    await flush();
    assertEq(__goRemaining(id), 3, "one pull for one read");
  },
};

export const pullStreamReadAhead = {
  async test() {
    const { id } = __goSource(10, 4, 8);
    // Pulls are async ops: their results arrive as tasks, so yield to the
    // event loop (__tick) rather than spin on microtasks.
    for (let i = 0; i < 20 && __goRemaining(id) > 8; i++) await __tick();
    assertEq(__goRemaining(id), 8, "read-ahead pulled 8 bytes (two chunks) without a read");
    for (let i = 0; i < 5; i++) await __tick();
    assertEq(__goRemaining(id), 8, "and stopped at the high water mark");
  },
};

export const pullStreamByobRead = {
  async test() {
    const { stream } = __goSource(2, 6);
    const reader = stream.getReader({ mode: "byob" });
    const first = await reader.read(new Uint8Array(4));
    assertEq(JSON.stringify([...first.value]), "[1,1,1,1]", "the first read fills the view");
    const second = await reader.read(new Uint8Array(16));
    assertEq(JSON.stringify([...second.value]), "[1,1]", "the rest of the first chunk");
    const third = await reader.read(new Uint8Array(16));
    assertEq(third.value.length, 6, "the second chunk");
    const end = await reader.read(new Uint8Array(16));
    assertEq(end.done, true, "then done");
  },
};

export const pullStreamCancelReachesGo = {
  async test() {
    const { id, stream } = __goSource(5, 1);
    const reader = stream.getReader();
    await reader.read();
    await reader.cancel("client went away");
    assertEq(__goCanceled(id), "client went away", "Go saw the cancel reason");
  },
};

export const readAllConcatenates = {
  async test() {
    const rs = ReadableStream.from([new Uint8Array([1, 2]), new Uint8Array([3]), new Uint16Array([0x0504])]);
    const bytes = await __streams.readAll(rs);
    assertEq(JSON.stringify([...bytes]), "[1,2,3,4,5]", "bytes of every view, in order");
    assertEq(__streams.isDisturbed(rs), true, "the stream is disturbed");
    assertEq(rs.locked, true, "and stays locked, as a consumed body does");
  },
};

export const readAllCopiesDefaultStreamChunks = {
  async test() {
    let controller;
    const rs = new ReadableStream({
      start(c) {
        controller = c;
      },
    });
    const chunk = new Uint8Array([1, 2, 3]);
    controller.enqueue(chunk);
    const all = __streams.readAll(rs);
    await flush();
    chunk[0] = 99; // after it was read: must not show
    controller.close();
    const bytes = await all;
    assertEq(JSON.stringify([...bytes]), "[1,2,3]", "the bytes as they were when read");
  },
};

export const readAllRejectsNonBytes = {
  async test() {
    let canceled = false;
    const rs = new ReadableStream({
      start(c) {
        c.enqueue(new Uint8Array([1]));
        c.enqueue("text");
      },
      cancel() {
        canceled = true;
      },
    });
    const e = await assertRejects(__streams.readAll(rs), TypeError, "a string chunk");
    assert(e.message.includes("Uint8Array"), `the message says what was expected: ${e.message}`);
    assertEq(canceled, false, "the stream is not canceled (Fetch's fully read leaves it)");
    assertEq(rs.locked, true, "and it stays locked");
    await assertRejects(__streams.readAll(rs), TypeError, "a locked stream");
    await assertRejects(__streams.readAll({}), TypeError, "not a stream");
  },
};

export const readAllPropagatesErrors = {
  async test() {
    const boom = new Error("boom");
    const rs = new ReadableStream({
      pull(c) {
        c.error(boom);
      },
    });
    try {
      await __streams.readAll(rs);
    } catch (e) {
      assertEq(e, boom, "the stream's error");
      return;
    }
    throw new Error("readAll fulfilled for an errored stream");
  },
};

export const createBytesStreamCopies = {
  async test() {
    const src = new Uint8Array([5, 6, 7]);
    const rs = __streams.createBytesStream(src.subarray(1));
    src[1] = 0;
    const bytes = await __streams.readAll(rs);
    assertEq(JSON.stringify([...bytes]), "[6,7]", "a copy of the view's bytes");
    const empty = await __streams.readAll(__streams.createBytesStream(new ArrayBuffer(0)));
    assertEq(empty.length, 0, "an empty body");
  },
};

export const teeClonesForSecondBranch = {
  async test() {
    const chunk = new Uint8Array([1, 2]);
    const rs = ReadableStream.from([chunk]);
    const [a, b] = __streams.tee(rs);
    const [ra, rb] = await Promise.all([__streams.readAll(a), __streams.readAll(b)]);
    assertEq(JSON.stringify([...ra]), "[1,2]", "branch 1");
    assertEq(JSON.stringify([...rb]), "[1,2]", "branch 2");
  },
};

export const readerHelpers = {
  async test() {
    const rs = ReadableStream.from(["a", "b"]);
    const reader = __streams.getReader(rs);
    const read = ReadableStreamDefaultReader.prototype.read;
    ReadableStreamDefaultReader.prototype.read = () => {
      throw new Error("the public read() was used");
    };
    try {
      const first = await __streams.readChunk(reader);
      assertEq(first.value, "a", "readChunk");
      __streams.releaseReader(reader);
      assertEq(rs.locked, false, "releaseReader unlocks");
    } finally {
      ReadableStreamDefaultReader.prototype.read = read;
    }
  },
};

export const createWritableFromAlgorithms = {
  async test() {
    const got = [];
    let closed = false;
    const ws = __streams.createWritable(
      (chunk) => {
        got.push(chunk);
      },
      () => {
        closed = true;
      },
    );
    await ReadableStream.from([1, 2]).pipeTo(ws);
    assertEq(JSON.stringify(got), "[1,2]", "chunks");
    assertEq(closed, true, "closed");
  },
};

export const teeCloneFailureErrorsBothBranches = {
  async test() {
    const rs = ReadableStream.from([{ not: "cloneable" }]);
    const [a, b] = __streams.tee(rs);
    const ra = a.getReader();
    const rb = b.getReader();
    const ea = await assertRejects(ra.read(), Error, "branch 1");
    const eb = await assertRejects(rb.read(), Error, "branch 2");
    assertEq(ea, eb, "the same error on both branches");
    assert(/clone/.test(ea.message), `the error says the chunk cannot be cloned: ${ea.message}`);
  },
};

export const pullStreamErrors = {
  async test() {
    const boom = new Error("source failed");
    const failing = __streams.createPullStream(() => Promise.reject(boom));
    try {
      await failing.getReader().read();
      throw new Error("read fulfilled");
    } catch (e) {
      assertEq(e, boom, "a rejected pull errors the stream");
    }
    const wrongType = __streams.createPullStream(() => "text");
    await assertRejects(wrongType.getReader().read(), TypeError, "a chunk that is not a Uint8Array");
    let calls = 0;
    const skipsEmpty = __streams.createPullStream(() => (++calls < 3 ? new Uint8Array(0) : calls === 3 ? new Uint8Array([1]) : null));
    const bytes = await __streams.readAll(skipsEmpty);
    assertEq(JSON.stringify([...bytes]), "[1]", "empty chunks are skipped");
    let threw = false;
    try {
      __streams.createPullStream("not a function");
    } catch (e) {
      threw = e instanceof TypeError;
    }
    assertEq(threw, true, "createPullStream checks pullFn");
  },
};
