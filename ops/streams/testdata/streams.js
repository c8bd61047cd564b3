// Cases for the streams family, run in a real isolate by streams_test.go.
// There are no timers in a bare isolate, so "later" is a number of
// microtask turns (flush); every promise in the standard settles within a
// few of them.

function fmt(v) {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "bigint") return `${v}n`;
  if (v instanceof Error) return `${v.name}: ${v.message}`;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

function assert(cond, what) {
  if (!cond) throw new Error(`assertion failed: ${what}`);
}

function assertEq(actual, expected, what) {
  if (!Object.is(actual, expected)) throw new Error(`${what}: got ${fmt(actual)}, want ${fmt(expected)}`);
}

function assertDeep(actual, expected, what) {
  const a = fmt(actual);
  const e = fmt(expected);
  if (a !== e) throw new Error(`${what}: got ${a}, want ${e}`);
}

function assertThrows(fn, Ctor, what) {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof Ctor)) throw new Error(`${what}: threw ${fmt(e)}, want a ${Ctor.name}`);
    return e;
  }
  throw new Error(`${what}: did not throw, want a ${Ctor.name}`);
}

// assertRejects waits for p and checks that it rejected with an instance
// of Ctor, or with exactly the value `exactly` when Ctor is null.
async function assertRejects(p, Ctor, what, exactly) {
  let settled = false;
  try {
    await p;
    settled = true;
  } catch (e) {
    if (Ctor === null) {
      if (!Object.is(e, exactly)) throw new Error(`${what}: rejected with ${fmt(e)}, want ${fmt(exactly)}`);
    } else if (!(e instanceof Ctor)) {
      throw new Error(`${what}: rejected with ${fmt(e)}, want a ${Ctor.name}`);
    }
    return e;
  }
  if (settled) throw new Error(`${what}: fulfilled, want a rejection`);
}

async function flush(n = 30) {
  for (let i = 0; i < n; i++) await undefined;
}

// state reports whether p has settled, without waiting for it.
async function state(p) {
  let s = "pending";
  p.then(
    () => {
      s = "fulfilled";
    },
    () => {
      s = "rejected";
    },
  );
  await flush(3);
  return s;
}

function deferred() {
  let resolve, reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

async function readAllChunks(stream) {
  const out = [];
  for await (const chunk of stream) out.push(chunk);
  return out;
}

const error1 = new Error("error1");
const error2 = new Error("error2");

// --- ReadableStream: construction and brand checks ---------------------------

export const globalsAreInstalled = {
  test() {
    for (const name of [
      "ReadableStream",
      "ReadableStreamDefaultReader",
      "ReadableStreamBYOBReader",
      "ReadableStreamDefaultController",
      "ReadableByteStreamController",
      "ReadableStreamBYOBRequest",
      "WritableStream",
      "WritableStreamDefaultWriter",
      "WritableStreamDefaultController",
      "TransformStream",
      "TransformStreamDefaultController",
      "ByteLengthQueuingStrategy",
      "CountQueuingStrategy",
    ]) {
      const d = Object.getOwnPropertyDescriptor(globalThis, name);
      assert(d !== undefined, `${name} is a global`);
      assertEq(typeof d.value, "function", `typeof ${name}`);
      assertEq(d.enumerable, false, `${name} is not enumerable`);
      assertEq(d.writable && d.configurable, true, `${name} is writable and configurable`);
      assertEq(Object.prototype.toString.call(d.value.prototype), `[object ${name}]`, `${name}'s toStringTag`);
    }
  },
};

export const interfaceShapes = {
  test() {
    assertEq(ReadableStream.length, 0, "ReadableStream.length");
    assertEq(ReadableStreamDefaultReader.length, 1, "ReadableStreamDefaultReader.length");
    assertEq(ReadableStream.prototype.pipeTo.length, 1, "pipeTo.length");
    assertEq(ReadableStream.prototype.cancel.length, 0, "cancel.length");
    assertEq(ReadableStream.prototype.values, ReadableStream.prototype[Symbol.asyncIterator], "values is @@asyncIterator");
    const d = Object.getOwnPropertyDescriptor(ReadableStream.prototype, "getReader");
    assertEq(d.enumerable, true, "methods are enumerable");
    const g = Object.getOwnPropertyDescriptor(ReadableStream.prototype, "locked");
    assertEq(typeof g.get, "function", "locked is a getter");
    assertEq(g.enumerable, true, "attributes are enumerable");
    assertEq(Object.getOwnPropertyDescriptor(ReadableStream, "from").enumerable, true, "static operations are enumerable");
    assertEq(Object.getOwnPropertyDescriptor(ReadableStream.prototype, Symbol.asyncIterator).enumerable, false, "@@asyncIterator is not");
    for (const C of [
      ReadableStreamDefaultController,
      ReadableByteStreamController,
      ReadableStreamBYOBRequest,
      WritableStreamDefaultController,
      TransformStreamDefaultController,
    ]) {
      assertThrows(() => new C(), TypeError, `new ${C.name}() is an illegal constructor`);
    }
    assertThrows(() => ReadableStream(), TypeError, "ReadableStream() without new");
  },
};

export const constructorValidatesArguments = {
  test() {
    new ReadableStream();
    new ReadableStream(undefined, undefined);
    new ReadableStream({});
    assertThrows(() => new ReadableStream(null), TypeError, "null source");
    assertThrows(() => new ReadableStream(5), TypeError, "number source");
    assertThrows(() => new ReadableStream({ start: 5 }), TypeError, "start not callable");
    assertThrows(() => new ReadableStream({ pull: "x" }), TypeError, "pull not callable");
    assertThrows(() => new ReadableStream({ type: "nope" }), TypeError, "bad type");
    assertThrows(() => new ReadableStream({}, { highWaterMark: -1 }), RangeError, "negative highWaterMark");
    assertThrows(() => new ReadableStream({}, { highWaterMark: NaN }), RangeError, "NaN highWaterMark");
    assertThrows(() => new ReadableStream({}, { size: 1 }), TypeError, "size not callable");
    assertThrows(() => new ReadableStream({ type: "bytes" }, { size: () => 1 }), RangeError, "byte stream with size");
    assertThrows(() => new ReadableStream({ type: "bytes", autoAllocateChunkSize: 0 }), TypeError, "autoAllocateChunkSize 0");
    const e = assertThrows(
      () =>
        new ReadableStream({
          start() {
            throw error1;
          },
        }),
      Error,
      "start throwing",
    );
    assertEq(e, error1, "the constructor rethrows start's exception");
  },
};

export const strategyMembersReadInIdlOrder = {
  test() {
    const order = [];
    const spy = (name, value) => ({
      get() {
        order.push(name);
        return value;
      },
    });
    const source = Object.defineProperties({}, {
      type: spy("type", undefined),
      start: spy("start", undefined),
      pull: spy("pull", undefined),
      cancel: spy("cancel", undefined),
      autoAllocateChunkSize: spy("autoAllocateChunkSize", undefined),
    });
    const strategy = Object.defineProperties({}, {
      size: spy("size", undefined),
      highWaterMark: spy("highWaterMark", 3),
    });
    new ReadableStream(source, strategy);
    assertDeep(order, ["highWaterMark", "size", "autoAllocateChunkSize", "cancel", "pull", "start", "type"], "member order");
  },
};

export const brandChecksRejectOtherObjects = {
  async test() {
    const fake = Object.create(ReadableStream.prototype);
    assertThrows(() => ReadableStream.prototype.getReader.call(fake), TypeError, "getReader on a fake");
    assertThrows(() => Object.getOwnPropertyDescriptor(ReadableStream.prototype, "locked").get.call({}), TypeError, "locked on {}");
    await assertRejects(ReadableStream.prototype.cancel.call({}), TypeError, "cancel on {}");
    await assertRejects(ReadableStream.prototype.pipeTo.call(fake, new WritableStream()), TypeError, "pipeTo on a fake");
    const real = new ReadableStream();
    const proxy = new Proxy(real, {});
    assertThrows(() => ReadableStream.prototype.getReader.call(proxy), TypeError, "getReader on a Proxy");
    const reader = real.getReader();
    await assertRejects(ReadableStreamDefaultReader.prototype.read.call({}), TypeError, "read on {}");
    assertThrows(() => WritableStream.prototype.getWriter.call(real), TypeError, "getWriter on a ReadableStream");
    reader.releaseLock();
  },
};

// --- ReadableStream: start, pull and backpressure ----------------------------

export const startGetsControllerSynchronously = {
  test() {
    let controller, thisValue;
    const source = {
      start(c) {
        controller = c;
        thisValue = this;
      },
    };
    const rs = new ReadableStream(source);
    assert(controller instanceof ReadableStreamDefaultController, "start got a ReadableStreamDefaultController");
    assertEq(thisValue, source, "start is called on the source");
    assertEq(controller.desiredSize, 1, "default highWaterMark is 1");
    assertEq(rs.locked, false, "a new stream is unlocked");
  },
};

export const pullWaitsForStart = {
  async test() {
    const start = deferred();
    let pulls = 0;
    new ReadableStream({
      start() {
        return start.promise;
      },
      pull() {
        pulls++;
      },
    });
    await flush();
    assertEq(pulls, 0, "pull before start settled");
    start.resolve();
    await flush();
    assertEq(pulls, 1, "pull once start settled");
  },
};

export const pullNotCalledAgainUntilItsPromiseSettles = {
  async test() {
    const pulls = [];
    let controller;
    const rs = new ReadableStream(
      {
        start(c) {
          controller = c;
        },
        pull() {
          const d = deferred();
          pulls.push(d);
          return d.promise;
        },
      },
      { highWaterMark: 0 },
    );
    const reader = rs.getReader();
    await flush();
    assertEq(pulls.length, 0, "no pull with highWaterMark 0 and no read");
    const r1 = reader.read();
    const r2 = reader.read();
    await flush();
    assertEq(pulls.length, 1, "one pull for two pending reads while the first pull is pending");
    controller.enqueue("a");
    assertDeep(await r1, { value: "a", done: false }, "first read");
    await flush();
    assertEq(pulls.length, 1, "still one pull: its promise is pending");
    pulls[0].resolve();
    await flush();
    assertEq(pulls.length, 2, "pull again after the first settled, since a read is pending");
    controller.enqueue("b");
    pulls[1].resolve();
    assertDeep(await r2, { value: "b", done: false }, "second read");
    await flush();
    assertEq(pulls.length, 2, "no more pulls: no reads pending and the queue is at highWaterMark 0");
  },
};

export const pullFillsQueueToHighWaterMark = {
  async test() {
    let pulls = 0;
    let controller;
    const rs = new ReadableStream(
      {
        start(c) {
          controller = c;
        },
        pull(c) {
          pulls++;
          c.enqueue(pulls);
        },
      },
      { highWaterMark: 3 },
    );
    await flush();
    assertEq(pulls, 3, "pulled until the queue held highWaterMark chunks");
    assertEq(controller.desiredSize, 0, "desiredSize at the mark");
    const reader = rs.getReader();
    assertDeep(await reader.read(), { value: 1, done: false }, "first chunk");
    await flush();
    assertEq(pulls, 4, "one read makes room for one more pull");
    assertEq(controller.desiredSize, 0, "desiredSize back at 0");
  },
};

export const desiredSizeTracksQueue = {
  async test() {
    let controller;
    const rs = new ReadableStream(
      {
        start(c) {
          controller = c;
        },
      },
      { highWaterMark: 2 },
    );
    assertEq(controller.desiredSize, 2, "empty queue");
    controller.enqueue("a");
    assertEq(controller.desiredSize, 1, "one chunk");
    controller.enqueue("b");
    controller.enqueue("c");
    assertEq(controller.desiredSize, -1, "over-full queue is negative");
    const reader = rs.getReader();
    await reader.read();
    assertEq(controller.desiredSize, 0, "after one read");
    controller.close();
    assertEq(controller.desiredSize, 0, "close requested: still counts the queue");
    await reader.read();
    await reader.read();
    assertEq(controller.desiredSize, 0, "closed");
    const errored = new ReadableStream({
      start(c) {
        c.error(error1);
        controller = c;
      },
    });
    assertEq(controller.desiredSize, null, "errored");
    errored.cancel().catch(() => {});
  },
};

export const sizeFunctionWeighsChunks = {
  async test() {
    let controller;
    new ReadableStream(
      {
        start(c) {
          controller = c;
        },
      },
      { highWaterMark: 10, size: (chunk) => chunk.length },
    );
    controller.enqueue("abcd");
    assertEq(controller.desiredSize, 6, "after a 4-unit chunk");
    controller.enqueue("abcdefgh");
    assertEq(controller.desiredSize, -2, "after a further 8-unit chunk");
  },
};

export const badSizeErrorsTheStream = {
  async test() {
    let controller;
    const rs = new ReadableStream(
      {
        start(c) {
          controller = c;
        },
      },
      {
        size(chunk) {
          if (chunk === "throw") throw error1;
          return chunk === "negative" ? -1 : 1;
        },
      },
    );
    const e = assertThrows(() => controller.enqueue("throw"), Error, "size throwing");
    assertEq(e, error1, "enqueue rethrows the size function's exception");
    await assertRejects(rs.getReader().closed, null, "the stream is errored with it", error1);

    const rs2 = new ReadableStream(
      {
        start(c) {
          controller = c;
        },
      },
      { size: () => -1 },
    );
    assertThrows(() => controller.enqueue("x"), RangeError, "negative size");
    await assertRejects(rs2.getReader().read(), RangeError, "the stream is errored with a RangeError");
  },
};

export const pullRejectionErrorsStream = {
  async test() {
    const rs = new ReadableStream({
      pull() {
        throw error1;
      },
    });
    await assertRejects(rs.getReader().read(), null, "pull throwing errors the stream", error1);
    const rs2 = new ReadableStream({
      pull() {
        return Promise.reject(error2);
      },
    });
    await assertRejects(rs2.getReader().closed, null, "pull rejecting errors the stream", error2);
  },
};

// --- ReadableStream: readers -------------------------------------------------

export const readerReadsChunksInOrderThenDone = {
  async test() {
    const rs = new ReadableStream({
      start(c) {
        c.enqueue("a");
        c.enqueue("b");
        c.close();
      },
    });
    const reader = rs.getReader();
    assertEq(rs.locked, true, "locked by the reader");
    assertDeep(await reader.read(), { value: "a", done: false }, "first");
    assertDeep(await reader.read(), { value: "b", done: false }, "second");
    assertDeep(await reader.read(), { done: true }, "done");
    assertDeep(await reader.read(), { done: true }, "still done");
    assertEq(await reader.closed, undefined, "closed fulfills");
  },
};

export const readResolvesWithoutExtraTicks = {
  async test() {
    const rs = new ReadableStream({
      start(c) {
        c.enqueue("x");
      },
    });
    const order = [];
    rs.getReader()
      .read()
      .then(() => order.push("read"));
    Promise.resolve().then(() => order.push("tick"));
    await flush();
    assertDeep(order, ["read", "tick"], "a queued chunk settles read() at once");
  },
};

export const secondReaderWhileLockedThrows = {
  test() {
    const rs = new ReadableStream();
    rs.getReader();
    const e = assertThrows(() => rs.getReader(), TypeError, "second getReader");
    assert(e.message.includes("locked"), `the message says the stream is locked: ${e.message}`);
    assertThrows(() => new ReadableStreamDefaultReader(rs), TypeError, "reader constructor on a locked stream");
    assertThrows(() => new ReadableStreamDefaultReader(), TypeError, "reader constructor without arguments");
  },
};

export const enqueueAfterCloseThrows = {
  test() {
    let controller;
    new ReadableStream({
      start(c) {
        controller = c;
      },
    });
    controller.close();
    const e = assertThrows(() => controller.enqueue("x"), TypeError, "enqueue after close");
    assert(e.message.includes("close"), `message mentions close: ${e.message}`);
    assertThrows(() => controller.close(), TypeError, "close twice");
  },
};

export const errorRejectsPendingReadsAndClosed = {
  async test() {
    let controller;
    const rs = new ReadableStream({
      start(c) {
        controller = c;
      },
    });
    const reader = rs.getReader();
    const r1 = reader.read();
    const r2 = reader.read();
    controller.error(error1);
    await assertRejects(r1, null, "first pending read", error1);
    await assertRejects(r2, null, "second pending read", error1);
    await assertRejects(reader.closed, null, "closed", error1);
    await assertRejects(reader.read(), null, "a later read", error1);
    await assertRejects(reader.cancel(), null, "cancel on an errored stream", error1);
    controller.error(error2);
    await assertRejects(reader.read(), null, "the first error sticks", error1);
  },
};

export const releaseLockRejectsPendingReads = {
  async test() {
    let controller;
    const rs = new ReadableStream({
      start(c) {
        controller = c;
      },
    });
    const reader = rs.getReader();
    const pending = reader.read();
    reader.releaseLock();
    assertEq(rs.locked, false, "unlocked");
    await assertRejects(pending, TypeError, "the pending read rejects");
    await assertRejects(reader.closed, TypeError, "closed rejects");
    await assertRejects(reader.read(), TypeError, "reading a released reader");
    reader.releaseLock(); // a no-op the second time
    controller.enqueue("kept");
    const reader2 = rs.getReader();
    assertDeep(await reader2.read(), { value: "kept", done: false }, "a new reader gets what was enqueued");
  },
};

export const releaseLockKeepsQueuedChunks = {
  async test() {
    const rs = new ReadableStream({
      start(c) {
        c.enqueue(1);
        c.enqueue(2);
        c.close();
      },
    });
    const r1 = rs.getReader();
    assertDeep(await r1.read(), { value: 1, done: false }, "first reader");
    r1.releaseLock();
    const r2 = rs.getReader();
    assertDeep(await r2.read(), { value: 2, done: false }, "second reader");
    assertDeep(await r2.read(), { value: undefined, done: true }, "done");
  },
};

// --- ReadableStream: cancel --------------------------------------------------

export const cancelPropagatesReasonToSource = {
  async test() {
    let reason, thisValue;
    const source = {
      start(c) {
        c.enqueue("dropped");
      },
      cancel(r) {
        reason = r;
        thisValue = this;
        return "ignored";
      },
    };
    const rs = new ReadableStream(source);
    const result = await rs.cancel(error1);
    assertEq(reason, error1, "the source's cancel gets the reason");
    assertEq(thisValue, source, "cancel is called on the source");
    assertEq(result, undefined, "cancel() fulfills with undefined whatever the source returned");
    const reader = rs.getReader();
    assertDeep(await reader.read(), { done: true }, "a canceled stream is closed and its queue dropped");
  },
};

export const cancelThroughReaderClosesPendingReads = {
  async test() {
    let canceled = 0;
    const rs = new ReadableStream({
      cancel() {
        canceled++;
      },
    });
    const reader = rs.getReader();
    const pending = reader.read();
    await reader.cancel("why");
    assertDeep(await pending, { done: true }, "the pending read is done");
    assertEq(canceled, 1, "source canceled once");
    await reader.closed;
  },
};

export const cancelRejectionReachesCaller = {
  async test() {
    const rs = new ReadableStream({
      cancel() {
        throw error2;
      },
    });
    await assertRejects(rs.cancel(), null, "cancel throwing", error2);
  },
};

export const cancelLockedStreamRejects = {
  async test() {
    let canceled = false;
    const rs = new ReadableStream({
      cancel() {
        canceled = true;
      },
    });
    rs.getReader();
    await assertRejects(rs.cancel(), TypeError, "cancel on a locked stream");
    assertEq(canceled, false, "the source was not canceled");
  },
};

// --- ReadableStream: tee -----------------------------------------------------

export const teeBothBranchesGetEveryChunk = {
  async test() {
    const chunk = { n: 1 };
    const rs = new ReadableStream({
      start(c) {
        c.enqueue(chunk);
        c.enqueue("two");
        c.close();
      },
    });
    const [a, b] = rs.tee();
    assertEq(rs.locked, true, "the source is locked");
    const [outA, outB] = await Promise.all([readAllChunks(a), readAllChunks(b)]);
    assertDeep(outA, [{ n: 1 }, "two"], "branch 1");
    assertDeep(outB, [{ n: 1 }, "two"], "branch 2");
    assertEq(outA[0], chunk, "branch 1 gets the same object");
    assertEq(outB[0], chunk, "branch 2 gets the same object");
  },
};

export const teeBranchesReadAtDifferentSpeeds = {
  async test() {
    let n = 0;
    const rs = new ReadableStream({
      pull(c) {
        n++;
        if (n > 5) c.close();
        else c.enqueue(n);
      },
    });
    const [a, b] = rs.tee();
    const ra = a.getReader();
    const got = [];
    for (let i = 0; i < 5; i++) got.push((await ra.read()).value);
    assertDeep(got, [1, 2, 3, 4, 5], "fast branch");
    assertDeep(await readAllChunks(b), [1, 2, 3, 4, 5], "slow branch got everything queued");
  },
};

export const teeCancelBothGivesCompositeReason = {
  async test() {
    let reason;
    const rs = new ReadableStream({
      cancel(r) {
        reason = r;
      },
    });
    const [a, b] = rs.tee();
    const pa = a.cancel("r1");
    await flush();
    assertEq(reason, undefined, "canceling one branch does not cancel the source");
    const pb = b.cancel("r2");
    await Promise.all([pa, pb]);
    assertDeep(reason, ["r1", "r2"], "the source gets both reasons");
  },
};

export const teeErrorReachesBothBranches = {
  async test() {
    let controller;
    const rs = new ReadableStream({
      start(c) {
        controller = c;
      },
    });
    const [a, b] = rs.tee();
    const ra = a.getReader();
    const rb = b.getReader();
    controller.error(error1);
    await assertRejects(ra.closed, null, "branch 1", error1);
    await assertRejects(rb.closed, null, "branch 2", error1);
  },
};

// --- ReadableStream: async iteration -----------------------------------------

export const asyncIterationYieldsChunks = {
  async test() {
    const rs = new ReadableStream({
      start(c) {
        c.enqueue(1);
        c.enqueue(2);
        c.close();
      },
    });
    const got = [];
    for await (const x of rs) got.push(x);
    assertDeep(got, [1, 2], "chunks");
    assertEq(rs.locked, false, "the lock is released at the end");
  },
};

export const asyncIterationBreakCancels = {
  async test() {
    let reason = "not called";
    let pulls = 0;
    const rs = new ReadableStream({
      pull(c) {
        c.enqueue(++pulls);
      },
      cancel(r) {
        reason = r;
      },
    });
    for await (const x of rs) {
      if (x === 2) break;
    }
    assertEq(reason, undefined, "break cancels the stream with undefined");
    assertEq(rs.locked, false, "break releases the lock");
    assertDeep(await rs.getReader().read(), { done: true }, "the stream is closed");
  },
};

export const asyncIterationPreventCancelKeepsStream = {
  async test() {
    let canceled = false;
    const rs = new ReadableStream({
      start(c) {
        for (let i = 1; i <= 4; i++) c.enqueue(i);
        c.close();
      },
      cancel() {
        canceled = true;
      },
    });
    for await (const x of rs.values({ preventCancel: true })) {
      if (x === 2) break;
    }
    assertEq(canceled, false, "preventCancel: not canceled");
    assertEq(rs.locked, false, "the lock is released");
    assertDeep(await readAllChunks(rs), [3, 4], "the rest can still be read");
  },
};

export const asyncIterationThrowsStreamError = {
  async test() {
    const rs = new ReadableStream({
      start(c) {
        c.enqueue(1);
      },
      pull(c) {
        c.error(error1);
      },
    });
    const got = [];
    const e = await assertRejects(
      (async () => {
        for await (const x of rs) got.push(x);
      })(),
      Error,
      "iterating an erroring stream",
    );
    assertEq(e, error1, "the loop throws the stream's error");
    assertDeep(got, [1], "chunks before the error");
    assertEq(rs.locked, false, "the error released the lock");
  },
};

export const asyncIteratorProtocol = {
  async test() {
    const rs = new ReadableStream({
      start(c) {
        c.enqueue("a");
        c.close();
      },
    });
    const it = rs[Symbol.asyncIterator]();
    assertEq(it[Symbol.asyncIterator](), it, "the iterator is its own async iterable");
    assertEq(Object.prototype.toString.call(it), "[object ReadableStream AsyncIterator]", "toStringTag");
    assertEq(
      Object.getPrototypeOf(Object.getPrototypeOf(it)),
      Object.getPrototypeOf(Object.getPrototypeOf(async function* () {}).prototype),
      "inherits from %AsyncIteratorPrototype%",
    );
    assertThrows(() => rs.getReader(), TypeError, "iterating locks the stream");
    // next() calls queue behind each other.
    const p1 = it.next();
    const p2 = it.next();
    const p3 = it.next();
    assertDeep(await p1, { value: "a", done: false }, "first");
    assertDeep(await p2, { done: true }, "second");
    assertDeep(await p3, { done: true }, "third");
    assertDeep(await it.return("v"), { value: "v", done: true }, "return after the end");
    await assertRejects(it.next.call({}), TypeError, "next on a non-iterator");
  },
};

export const asyncIteratorReturnWhileReadPending = {
  async test() {
    let controller;
    let cancelReason = "not called";
    const rs = new ReadableStream({
      start(c) {
        controller = c;
      },
      cancel(r) {
        cancelReason = r;
      },
    });
    const it = rs.values();
    const next = it.next();
    const ret = it.return("stop");
    await flush();
    assertEq(cancelReason, "not called", "return waits for the pending next");
    controller.enqueue("late");
    assertDeep(await next, { value: "late", done: false }, "the pending next gets its chunk");
    assertDeep(await ret, { value: "stop", done: true }, "then return completes");
    assertEq(cancelReason, "stop", "and cancels with its argument");
  },
};

// --- ReadableStream.from -----------------------------------------------------

export const fromArray = {
  async test() {
    const rs = ReadableStream.from([1, 2, 3]);
    assert(rs instanceof ReadableStream, "from returns a ReadableStream");
    assertDeep(await readAllChunks(rs), [1, 2, 3], "chunks");
  },
};

export const fromAsyncGenerator = {
  async test() {
    async function* gen() {
      yield "a";
      await null;
      yield "b";
    }
    assertDeep(await readAllChunks(ReadableStream.from(gen())), ["a", "b"], "chunks");
  },
};

export const fromIterableAwaitsPromises = {
  async test() {
    const rs = ReadableStream.from([Promise.resolve(1), 2, Promise.resolve(3)]);
    assertDeep(await readAllChunks(rs), [1, 2, 3], "promises in a sync iterable are awaited");
    const failing = ReadableStream.from([1, Promise.reject(error1)]);
    const reader = failing.getReader();
    assertDeep(await reader.read(), { value: 1, done: false }, "first chunk");
    await assertRejects(reader.read(), null, "a rejected value errors the stream", error1);
  },
};

export const fromPullsLazily = {
  async test() {
    let pulled = 0;
    const iterable = {
      [Symbol.iterator]() {
        return {
          next() {
            pulled++;
            return { value: pulled, done: pulled > 3 };
          },
        };
      },
    };
    const rs = ReadableStream.from(iterable);
    await flush();
    assertEq(pulled, 0, "nothing is pulled before a read (highWaterMark 0)");
    const reader = rs.getReader();
    assertDeep(await reader.read(), { value: 1, done: false }, "first read");
    await flush();
    assertEq(pulled, 1, "one pull per read");
  },
};

export const fromCancelCallsReturn = {
  async test() {
    let returned = "not called";
    const iterable = {
      [Symbol.asyncIterator]() {
        return {
          next: async () => ({ value: "x", done: false }),
          return: async (reason) => {
            returned = reason;
            return { done: true };
          },
        };
      },
    };
    const rs = ReadableStream.from(iterable);
    await rs.cancel("enough");
    assertEq(returned, "enough", "cancel calls the iterator's return with the reason");
  },
};

export const fromRejectsNonIterables = {
  test() {
    assertThrows(() => ReadableStream.from({}), TypeError, "plain object");
    assertThrows(() => ReadableStream.from(null), TypeError, "null");
    assertThrows(() => ReadableStream.from(5), TypeError, "number");
    assertThrows(() => ReadableStream.from({ [Symbol.asyncIterator]: 5 }), TypeError, "non-callable @@asyncIterator");
    assertThrows(() => ReadableStream.from(), TypeError, "no argument");
    const e = assertThrows(
      () =>
        ReadableStream.from({
          [Symbol.iterator]() {
            throw error1;
          },
        }),
      Error,
      "@@iterator throwing",
    );
    assertEq(e, error1, "the exception of @@iterator is rethrown");
  },
};

export const fromIteratorErrorErrorsStream = {
  async test() {
    async function* gen() {
      yield 1;
      throw error2;
    }
    const reader = ReadableStream.from(gen()).getReader();
    await reader.read();
    await assertRejects(reader.read(), null, "the generator's error", error2);
  },
};

// --- WritableStream ----------------------------------------------------------

function recordingSink(extra = {}) {
  const events = [];
  const sink = {
    events,
    start(c) {
      sink.controller = c;
      return extra.start?.(c);
    },
    write(chunk, c) {
      events.push(["write", chunk]);
      return extra.write?.(chunk, c);
    },
    close() {
      events.push(["close"]);
      return extra.close?.();
    },
    abort(reason) {
      events.push(["abort", reason]);
      return extra.abort?.(reason);
    },
  };
  return sink;
}

export const writableWritesInOrderThenCloses = {
  async test() {
    const sink = recordingSink();
    const ws = new WritableStream(sink);
    const writer = ws.getWriter();
    assertEq(ws.locked, true, "locked by the writer");
    await Promise.all([writer.write("a"), writer.write("b"), writer.close()]);
    assertDeep(sink.events, [["write", "a"], ["write", "b"], ["close"]], "sink calls");
    await writer.closed;
    await assertRejects(writer.write("c"), TypeError, "write after close");
  },
};

export const writableWritesOneAtATime = {
  async test() {
    const writes = [];
    const ws = new WritableStream({
      write(chunk) {
        const d = deferred();
        writes.push({ chunk, d });
        return d.promise;
      },
    });
    const writer = ws.getWriter();
    const p1 = writer.write(1);
    const p2 = writer.write(2);
    await flush();
    assertEq(writes.length, 1, "the second write waits for the first");
    writes[0].d.resolve();
    await p1;
    await flush();
    assertEq(writes.length, 2, "then the second runs");
    writes[1].d.resolve();
    await p2;
  },
};

export const writableBackpressureViaReadyAndDesiredSize = {
  async test() {
    const writes = [];
    const ws = new WritableStream(
      {
        write() {
          const d = deferred();
          writes.push(d);
          return d.promise;
        },
      },
      new CountQueuingStrategy({ highWaterMark: 2 }),
    );
    const writer = ws.getWriter();
    await writer.ready;
    assertEq(writer.desiredSize, 2, "empty queue");
    writer.write("a");
    assertEq(writer.desiredSize, 1, "one queued");
    writer.write("b");
    assertEq(writer.desiredSize, 0, "two queued");
    assertEq(await state(writer.ready), "pending", "ready is pending under backpressure");
    await flush();
    writes[0].resolve();
    await flush();
    assertEq(writer.desiredSize, 1, "one done");
    assertEq(await state(writer.ready), "fulfilled", "ready fulfills once there is room");
  },
};

export const writableSizeStrategy = {
  async test() {
    const ws = new WritableStream({}, new ByteLengthQueuingStrategy({ highWaterMark: 10 }));
    const writer = ws.getWriter();
    await writer.ready;
    writer.write(new Uint8Array(4));
    assertEq(writer.desiredSize, 6, "a 4-byte chunk counts 4");
  },
};

export const writableSinkErrorErrorsStream = {
  async test() {
    const ws = new WritableStream({
      write(chunk) {
        if (chunk === "bad") throw error1;
      },
    });
    const writer = ws.getWriter();
    await writer.write("ok");
    await assertRejects(writer.write("bad"), null, "the failing write", error1);
    await assertRejects(writer.write("after"), null, "later writes", error1);
    await assertRejects(writer.closed, null, "closed", error1);
    assertEq(writer.desiredSize, null, "desiredSize of an errored stream");
  },
};

export const writableAbortRejectsQueuedWrites = {
  async test() {
    const first = deferred();
    const sink = recordingSink({
      write: () => first.promise,
    });
    const ws = new WritableStream(sink, { highWaterMark: 5 });
    const writer = ws.getWriter();
    const w1 = writer.write(1);
    const w2 = writer.write(2);
    await flush();
    const aborted = writer.abort(error1);
    await assertRejects(writer.ready, null, "ready rejects at once", error1);
    assertEq(await state(w2), "pending", "queued writes wait for the in-flight one");
    assertDeep(sink.events, [["write", 1]], "abort waits for the in-flight write");
    first.resolve();
    await w1;
    await assertRejects(w2, null, "then a queued write rejects with the abort reason", error1);
    await aborted;
    assertEq(sink.events[1][0], "abort", "then the sink is aborted");
    assertEq(sink.events[1][1], error1, "with the reason");
    await assertRejects(writer.closed, null, "closed rejects with the reason", error1);
  },
};

export const writableControllerErrorErrorsStream = {
  async test() {
    const sink = recordingSink();
    const ws = new WritableStream(sink);
    const writer = ws.getWriter();
    sink.controller.error(error2);
    await assertRejects(writer.closed, null, "closed", error2);
    await assertRejects(writer.write("x"), null, "write", error2);
    assertDeep(sink.events, [], "the sink saw nothing");
  },
};

export const writableLockingRules = {
  async test() {
    const ws = new WritableStream();
    const writer = ws.getWriter();
    assertThrows(() => ws.getWriter(), TypeError, "second writer");
    await assertRejects(ws.close(), TypeError, "close on a locked stream");
    await assertRejects(ws.abort(), TypeError, "abort on a locked stream");
    writer.releaseLock();
    assertEq(ws.locked, false, "released");
    await assertRejects(writer.closed, TypeError, "closed after release");
    await assertRejects(writer.ready, TypeError, "ready after release");
    await assertRejects(writer.write("x"), TypeError, "write after release");
    assertThrows(() => writer.desiredSize, TypeError, "desiredSize after release");
    const w2 = new WritableStreamDefaultWriter(ws);
    await w2.close();
    await assertRejects(ws.close(), TypeError, "close while a new writer holds the lock");
  },
};

export const writableConstructorValidates = {
  test() {
    assertThrows(() => new WritableStream(1), TypeError, "non-object sink");
    assertThrows(() => new WritableStream({ write: 1 }), TypeError, "write not callable");
    assertThrows(() => new WritableStream({ type: "bytes" }), RangeError, "a sink type");
    assertThrows(() => new WritableStream({}, { highWaterMark: -5 }), RangeError, "negative highWaterMark");
  },
};

export const writableCloseWaitsForWrites = {
  async test() {
    const d = deferred();
    const sink = recordingSink({ write: () => d.promise });
    const ws = new WritableStream(sink);
    const writer = ws.getWriter();
    writer.write("x");
    const closed = writer.close();
    await flush();
    assertDeep(sink.events, [["write", "x"]], "close waits");
    d.resolve();
    await closed;
    assertDeep(sink.events, [["write", "x"], ["close"]], "then closes");
  },
};

// --- TransformStream ---------------------------------------------------------

function upperCaseStream() {
  return new TransformStream({
    transform(chunk, controller) {
      controller.enqueue(String(chunk).toUpperCase());
    },
  });
}

export const pipeThroughUppercases = {
  async test() {
    const rs = ReadableStream.from(["hello", " ", "world"]);
    const out = await readAllChunks(rs.pipeThrough(upperCaseStream()));
    assertDeep(out, ["HELLO", " ", "WORLD"], "uppercased chunks");
    assertEq(rs.locked, false, "the pipe released the source");
  },
};

export const pipeThroughChainsAndReturnsReadable = {
  async test() {
    const ts = upperCaseStream();
    const rs = ReadableStream.from(["a"]);
    assertEq(rs.pipeThrough(ts), ts.readable, "pipeThrough returns the pair's readable");
    assertThrows(() => rs.pipeThrough(upperCaseStream()), TypeError, "piping a locked stream");
    assertThrows(() => ReadableStream.from(["b"]).pipeThrough({ readable: ts.readable }), TypeError, "missing writable");
    assertThrows(() => ReadableStream.from(["b"]).pipeThrough(), TypeError, "no argument");
    const doubled = ReadableStream.from(["x", "y"])
      .pipeThrough(upperCaseStream())
      .pipeThrough(
        new TransformStream({
          transform(c, ctl) {
            ctl.enqueue(c + c);
          },
        }),
      );
    assertDeep(await readAllChunks(doubled), ["XX", "YY"], "two transforms in a row");
  },
};

export const transformIdentityPassesChunks = {
  async test() {
    const ts = new TransformStream();
    const writer = ts.writable.getWriter();
    writer.write("a");
    writer.write("b");
    writer.close();
    assertDeep(await readAllChunks(ts.readable), ["a", "b"], "identity transform");
  },
};

export const transformFlushEnqueuesAtTheEnd = {
  async test() {
    let total = 0;
    const ts = new TransformStream({
      transform(chunk) {
        total += chunk;
      },
      flush(controller) {
        controller.enqueue(total);
      },
    });
    const out = readAllChunks(ts.readable);
    const writer = ts.writable.getWriter();
    for (const n of [1, 2, 3]) writer.write(n);
    await writer.close();
    assertDeep(await out, [6], "flush's chunk");
  },
};

export const transformErrorErrorsBothSides = {
  async test() {
    const ts = new TransformStream({
      transform() {
        throw error1;
      },
    });
    const writer = ts.writable.getWriter();
    const reader = ts.readable.getReader();
    const read = reader.read(); // the read lets the chunk through
    await assertRejects(writer.write("x"), null, "the write", error1);
    await assertRejects(read, null, "the readable side", error1);
    await assertRejects(writer.closed, null, "the writable side", error1);
  },
};

export const transformTerminateClosesReadable = {
  async test() {
    const ts = new TransformStream({
      transform(chunk, controller) {
        controller.enqueue(chunk);
        controller.terminate();
      },
    });
    const writer = ts.writable.getWriter();
    const reader = ts.readable.getReader();
    writer.write("last");
    assertDeep(await reader.read(), { value: "last", done: false }, "the chunk before terminate");
    assertDeep(await reader.read(), { done: true }, "then done");
    await assertRejects(writer.closed, TypeError, "the writable side errors");
  },
};

export const transformBackpressureHoldsWriter = {
  async test() {
    let transforms = 0;
    const ts = new TransformStream({
      transform(chunk, controller) {
        transforms++;
        controller.enqueue(chunk);
      },
    });
    const writer = ts.writable.getWriter();
    writer.write(1);
    writer.write(2);
    await flush();
    assertEq(transforms, 0, "readable highWaterMark 0: nothing is transformed before a read");
    assertEq(await state(writer.ready), "pending", "the writer sees backpressure");
    const reader = ts.readable.getReader();
    assertDeep(await reader.read(), { value: 1, done: false }, "a read pulls the first chunk through");
    await flush();
    assertEq(transforms, 1, "and only that one");
    assertDeep(await reader.read(), { value: 2, done: false }, "the next read pulls the next chunk");
    assertEq(transforms, 2, "two transforms for two reads");
  },
};

export const transformCancelFromReadableSide = {
  async test() {
    let cancelReason = "not called";
    const ts = new TransformStream({
      cancel(r) {
        cancelReason = r;
      },
    });
    await ts.readable.cancel(error1);
    assertEq(cancelReason, error1, "the transformer's cancel gets the reason");
    await assertRejects(ts.writable.getWriter().closed, null, "the writable side errors with it", error1);
  },
};

export const transformWriteWhileReadableCancelIsPending = {
  async test() {
    const cancel = deferred();
    const ts = new TransformStream({
      cancel() {
        return cancel.promise;
      },
    });
    const reader = ts.readable.getReader();
    const writer = ts.writable.getWriter();
    await writer.ready;
    const read = reader.read(); // pulls: the writable side has no backpressure now
    const canceled = reader.cancel(error1);
    const write = writer.write("late");
    assertDeep(await read, { done: true }, "the pending read ends");
    cancel.resolve();
    await canceled;
    await assertRejects(write, null, "a write during the cancel fails with the cancel reason", error1);
    await assertRejects(writer.closed, null, "the writable side errors with it", error1);
  },
};

export const transformControllerDesiredSize = {
  async test() {
    let controller;
    const ts = new TransformStream(
      {
        start(c) {
          controller = c;
        },
      },
      undefined,
      { highWaterMark: 3 },
    );
    assertEq(controller.desiredSize, 3, "the readable side's desired size");
    controller.enqueue("x");
    assertEq(controller.desiredSize, 2, "after an enqueue");
    assertThrows(() => new TransformStream({ readableType: "bytes" }), RangeError, "readableType");
    void ts;
  },
};

// --- pipeTo ------------------------------------------------------------------

export const pipeToWritesEverythingAndCloses = {
  async test() {
    const sink = recordingSink();
    const rs = ReadableStream.from([1, 2, 3]);
    const ws = new WritableStream(sink);
    await rs.pipeTo(ws);
    assertDeep(sink.events, [["write", 1], ["write", 2], ["write", 3], ["close"]], "sink calls");
    assertEq(rs.locked || ws.locked, false, "both unlocked");
  },
};

export const pipeToPreventClose = {
  async test() {
    const sink = recordingSink();
    const ws = new WritableStream(sink);
    await ReadableStream.from([1]).pipeTo(ws, { preventClose: true });
    assertDeep(sink.events, [["write", 1]], "not closed");
    const writer = ws.getWriter();
    await writer.write(2);
    assertDeep(sink.events, [["write", 1], ["write", 2]], "still writable");
  },
};

export const pipeToSourceErrorAbortsDest = {
  async test() {
    const sink = recordingSink();
    const rs = new ReadableStream({
      start(c) {
        c.enqueue("a");
        c.error(error1);
      },
    });
    await assertRejects(rs.pipeTo(new WritableStream(sink)), null, "pipeTo rejects with the source's error", error1);
    assertEq(sink.events.length, 1, "one sink call");
    assertEq(sink.events[0][0], "abort", "the destination was aborted");
    assertEq(sink.events[0][1], error1, "with the source's error");
  },
};

export const pipeToPreventAbort = {
  async test() {
    const sink = recordingSink();
    const rs = new ReadableStream({
      start(c) {
        c.error(error1);
      },
    });
    const ws = new WritableStream(sink);
    await assertRejects(rs.pipeTo(ws, { preventAbort: true }), null, "pipeTo rejects", error1);
    assertDeep(sink.events, [], "the destination was left alone");
    await ws.getWriter().write("still writable");
  },
};

export const pipeToDestErrorCancelsSource = {
  async test() {
    let cancelReason = "not called";
    let n = 0;
    const rs = new ReadableStream({
      pull(c) {
        c.enqueue(++n);
      },
      cancel(r) {
        cancelReason = r;
      },
    });
    const ws = new WritableStream({
      write(chunk) {
        if (chunk === 3) throw error2;
      },
    });
    await assertRejects(rs.pipeTo(ws), null, "pipeTo rejects with the destination's error", error2);
    assertEq(cancelReason, error2, "the source was canceled with it");
  },
};

export const pipeToPreventCancel = {
  async test() {
    let canceled = false;
    const rs = new ReadableStream({
      start(c) {
        c.enqueue(1);
        c.enqueue(2);
      },
      cancel() {
        canceled = true;
      },
    });
    const ws = new WritableStream({
      write() {
        throw error2;
      },
    });
    await assertRejects(rs.pipeTo(ws, { preventCancel: true }), null, "pipeTo rejects", error2);
    assertEq(canceled, false, "the source was not canceled");
    assertEq(rs.locked, false, "and is unlocked");
    const reader = rs.getReader();
    assertDeep(await reader.read(), { value: 2, done: false }, "its remaining chunk is still there");
  },
};

export const pipeToClosedDestCancelsSource = {
  async test() {
    let cancelReason = "not called";
    const rs = new ReadableStream({
      cancel(r) {
        cancelReason = r;
      },
    });
    const ws = new WritableStream();
    await ws.close();
    await assertRejects(rs.pipeTo(ws), TypeError, "piping to a closed stream");
    assert(cancelReason instanceof TypeError, "the source is canceled with a TypeError");
  },
};

export const pipeToLockedRejects = {
  async test() {
    const rs = new ReadableStream();
    const ws = new WritableStream();
    ws.getWriter();
    await assertRejects(rs.pipeTo(ws), TypeError, "locked destination");
    assertEq(rs.locked, false, "the source is left unlocked");
    const rs2 = new ReadableStream();
    rs2.getReader();
    await assertRejects(rs2.pipeTo(new WritableStream()), TypeError, "locked source");
    await assertRejects(new ReadableStream().pipeTo({}), TypeError, "not a WritableStream");
    await assertRejects(new ReadableStream().pipeTo(new WritableStream(), { signal: {} }), TypeError, "a signal that is not an AbortSignal");
  },
};

export const pipeToRespectsBackpressure = {
  async test() {
    let pulls = 0;
    const rs = new ReadableStream(
      {
        pull(c) {
          c.enqueue(++pulls);
          if (pulls === 100) c.close();
        },
      },
      { highWaterMark: 0 },
    );
    const writes = [];
    const ws = new WritableStream(
      {
        write(chunk) {
          const d = deferred();
          writes.push({ chunk, d });
          return d.promise;
        },
      },
      { highWaterMark: 2 },
    );
    const piped = rs.pipeTo(ws);
    await flush(100);
    assertEq(writes.length, 1, "one write in flight");
    assert(pulls <= 4, `the pipe stopped reading under backpressure (pulled ${pulls})`);
    const pullsBefore = pulls;
    writes[0].d.resolve();
    await flush(100);
    assertEq(writes.length, 2, "the next write starts when the first finishes");
    assert(pulls <= pullsBefore + 1, `one write done makes room for about one more read (pulled ${pulls})`);
    // Let everything through.
    let i = 1;
    while (i < 100) {
      await flush(10);
      while (i < writes.length) writes[i++].d.resolve();
    }
    await piped;
    assertDeep(
      writes.map((w) => w.chunk),
      Array.from({ length: 100 }, (_, k) => k + 1),
      "every chunk written once, in order",
    );
  },
};

export const pipeToSynchronouslyReadableSource = {
  async test() {
    const n = 5000;
    const rs = new ReadableStream({
      start(c) {
        for (let i = 0; i < n; i++) c.enqueue(i);
        c.close();
      },
    });
    let sum = 0;
    let count = 0;
    await rs.pipeTo(
      new WritableStream({
        write(chunk) {
          sum += chunk;
          count++;
        },
      }),
    );
    assertEq(count, n, "chunks written");
    assertEq(sum, (n * (n - 1)) / 2, "sum of chunks");
  },
};

// withAbortPolyfill runs fn with a minimal AbortController/AbortSignal on
// the global when the runtime has none yet, so the signal paths (which use
// the public API until the dom family provides internals) are exercised.
async function withAbortPolyfill(fn) {
  if (typeof globalThis.AbortController === "function") return fn();
  class AbortSignal {
    constructor() {
      this.aborted = false;
      this.reason = undefined;
      this.listeners = [];
    }
    addEventListener(type, fn) {
      if (type === "abort") this.listeners.push(fn);
    }
    removeEventListener(type, fn) {
      this.listeners = this.listeners.filter((l) => l !== fn);
    }
  }
  class AbortController {
    constructor() {
      this.signal = new AbortSignal();
    }
    abort(reason) {
      if (this.signal.aborted) return;
      this.signal.aborted = true;
      this.signal.reason = reason === undefined ? new Error("AbortError") : reason;
      for (const l of [...this.signal.listeners]) l();
    }
  }
  globalThis.AbortSignal = AbortSignal;
  globalThis.AbortController = AbortController;
  try {
    return await fn();
  } finally {
    delete globalThis.AbortSignal;
    delete globalThis.AbortController;
  }
}

export const pipeToSignalAbortsBothSides = {
  async test() {
    await withAbortPolyfill(async () => {
      let cancelReason = "not called";
      const rs = new ReadableStream({
        cancel(r) {
          cancelReason = r;
        },
      });
      const sink = recordingSink();
      const ac = new AbortController();
      const piped = rs.pipeTo(new WritableStream(sink), { signal: ac.signal });
      await flush();
      ac.abort(error1);
      await assertRejects(piped, null, "pipeTo rejects with the abort reason", error1);
      assertEq(cancelReason, error1, "the source is canceled with it");
      assertDeep(sink.events.map((e) => e[0]), ["abort"], "the destination is aborted");

      const already = new AbortController();
      already.abort(error2);
      const sink2 = recordingSink();
      await assertRejects(
        ReadableStream.from([1]).pipeTo(new WritableStream(sink2), { signal: already.signal, preventAbort: true }),
        null,
        "an already aborted signal",
        error2,
      );
      assertDeep(sink2.events, [], "preventAbort leaves the destination alone");
    });
  },
};

export const writableControllerSignal = {
  async test() {
    await withAbortPolyfill(async () => {
      let signal;
      const ws = new WritableStream({
        start(c) {
          signal = c.signal;
        },
      });
      assertEq(signal.aborted, false, "not aborted at first");
      await ws.abort(error1);
      assertEq(signal.aborted, true, "abort() aborts the controller's signal");
      assertEq(signal.reason, error1, "with the reason");

      // The signal made after the abort is aborted already.
      let controller;
      const ws2 = new WritableStream({
        start(c) {
          controller = c;
        },
      });
      await ws2.abort(error2);
      assertEq(controller.signal.aborted, true, "late signal is aborted");
      assertEq(controller.signal.reason, error2, "late signal's reason");
    });
  },
};

// --- Queuing strategies ------------------------------------------------------

export const countQueuingStrategy = {
  test() {
    const s = new CountQueuingStrategy({ highWaterMark: 4 });
    assertEq(s.highWaterMark, 4, "highWaterMark");
    assertEq(s.size(), 1, "size is 1");
    assertEq(s.size, new CountQueuingStrategy({ highWaterMark: 1 }).size, "one size function per global");
    assertEq(s.size.name, "size", "its name");
    assertEq(s.size.length, 0, "its length");
    assertEq(Object.prototype.toString.call(s), "[object CountQueuingStrategy]", "toStringTag");
    assertThrows(() => new CountQueuingStrategy(), TypeError, "no init");
    assertThrows(() => new CountQueuingStrategy({}), TypeError, "init without highWaterMark");
    assertEq(new CountQueuingStrategy({ highWaterMark: "7" }).highWaterMark, 7, "highWaterMark is converted to a number");
    assertThrows(() => Object.getOwnPropertyDescriptor(CountQueuingStrategy.prototype, "size").get.call({}), TypeError, "brand check");
  },
};

export const byteLengthQueuingStrategy = {
  async test() {
    const s = new ByteLengthQueuingStrategy({ highWaterMark: 16 });
    assertEq(s.highWaterMark, 16, "highWaterMark");
    assertEq(s.size(new Uint8Array(5)), 5, "size is byteLength");
    assertEq(s.size.call(undefined, { byteLength: 9 }), 9, "size is a function, not a method");
    assertEq(s.size.length, 1, "its length");
    let controller;
    new ReadableStream(
      {
        start(c) {
          controller = c;
        },
      },
      s,
    );
    controller.enqueue(new Uint8Array(10));
    assertEq(controller.desiredSize, 6, "the strategy sizes a stream's queue");
    assertThrows(() => new ReadableStream({}, new ByteLengthQueuingStrategy({ highWaterMark: -1 })), RangeError, "negative mark");
  },
};

// --- Byte streams and BYOB readers -------------------------------------------

export const byobReaderFillsCallerBuffer = {
  async test() {
    const rs = new ReadableStream({
      type: "bytes",
      pull(controller) {
        const req = controller.byobRequest;
        req.view.set([1, 2, 3]);
        req.respond(3);
      },
    });
    const reader = rs.getReader({ mode: "byob" });
    assert(reader instanceof ReadableStreamBYOBReader, "a BYOB reader");
    const buffer = new ArrayBuffer(8);
    const { value, done } = await reader.read(new Uint8Array(buffer, 2, 4));
    assertEq(done, false, "not done");
    assert(value instanceof Uint8Array, "a Uint8Array");
    assertEq(value.byteOffset, 2, "same offset");
    assertEq(value.byteLength, 3, "bytes written");
    assertEq(value.buffer.byteLength, 8, "same memory");
    assertEq(buffer.byteLength, 0, "the caller's buffer was transferred");
    assertDeep([...value], [1, 2, 3], "contents");
  },
};

export const byobReadMinWaitsForEnoughBytes = {
  async test() {
    let controller;
    const rs = new ReadableStream({
      type: "bytes",
      start(c) {
        controller = c;
      },
    });
    const reader = rs.getReader({ mode: "byob" });
    const read = reader.read(new Uint8Array(6), { min: 4 });
    controller.enqueue(new Uint8Array([1, 2]));
    assertEq(await state(read), "pending", "2 bytes are not enough");
    controller.enqueue(new Uint8Array([3, 4, 5]));
    const { value } = await read;
    assertDeep([...value], [1, 2, 3, 4, 5], "filled from both chunks");
    await assertRejects(reader.read(new Uint8Array(2), { min: 3 }), RangeError, "min above the view's length");
    await assertRejects(reader.read(new Uint8Array(2), { min: 0 }), TypeError, "min 0");
    await assertRejects(reader.read(new Uint8Array(0)), TypeError, "an empty view");
  },
};

export const byteStreamDefaultReaderAndAutoAllocate = {
  async test() {
    let seen;
    const rs = new ReadableStream({
      type: "bytes",
      autoAllocateChunkSize: 16,
      pull(controller) {
        const req = controller.byobRequest;
        seen = req.view.byteLength;
        req.view[0] = 42;
        req.respond(1);
      },
    });
    const reader = rs.getReader();
    const { value } = await reader.read();
    assertEq(seen, 16, "the source got an auto-allocated view");
    assertDeep([...value], [42], "the default reader gets what was written");
  },
};

export const byteStreamEnqueueTransfersChunk = {
  async test() {
    let controller;
    const rs = new ReadableStream({
      type: "bytes",
      start(c) {
        controller = c;
      },
    });
    const chunk = new Uint8Array([9, 8, 7]);
    controller.enqueue(chunk);
    assertEq(chunk.byteLength, 0, "the enqueued view's buffer was transferred");
    assertThrows(() => controller.enqueue(new Uint8Array(0)), TypeError, "an empty chunk");
    assertThrows(() => controller.enqueue("x"), TypeError, "not a view");
    const { value } = await rs.getReader().read();
    assertDeep([...value], [9, 8, 7], "contents");
  },
};

export const byteStreamTeeClonesChunks = {
  async test() {
    const rs = new ReadableStream({
      type: "bytes",
      start(c) {
        c.enqueue(new Uint8Array([1, 2]));
        c.close();
      },
    });
    const [a, b] = rs.tee();
    const [ca, cb] = await Promise.all([readAllChunks(a), readAllChunks(b)]);
    assertDeep([...ca[0]], [1, 2], "branch 1");
    assertDeep([...cb[0]], [1, 2], "branch 2");
    assert(ca[0].buffer !== cb[0].buffer, "each branch has its own copy");
  },
};

export const byobReaderOnDefaultStreamThrows = {
  test() {
    const e = assertThrows(() => new ReadableStream().getReader({ mode: "byob" }), TypeError, "byob on a default stream");
    assert(e.message.includes("byte stream"), `the message says why: ${e.message}`);
    assertThrows(() => new ReadableStream().getReader({ mode: "other" }), TypeError, "an unknown mode");
  },
};

export const byobReleaseLockRejectsPendingRead = {
  async test() {
    const rs = new ReadableStream({ type: "bytes" });
    const reader = rs.getReader({ mode: "byob" });
    const pending = reader.read(new Uint8Array(4));
    reader.releaseLock();
    await assertRejects(pending, TypeError, "the pending read rejects");
    await assertRejects(reader.closed, TypeError, "closed rejects");
  },
};

export const byobReadOnClosedStreamReturnsEmptyView = {
  async test() {
    const rs = new ReadableStream({
      type: "bytes",
      start(c) {
        c.close();
      },
    });
    const reader = rs.getReader({ mode: "byob" });
    const { value, done } = await reader.read(new Uint16Array(3));
    assertEq(done, true, "done");
    assert(value instanceof Uint16Array, "the view's type is kept");
    assertEq(value.length, 0, "empty");
    assertEq(value.buffer.byteLength, 6, "the memory is handed back");
  },
};

// --- Robustness --------------------------------------------------------------

export const patchedBuiltinsDoNotBreakStreams = {
  async test() {
    // The harness calls then() on this function's promise when it first
    // awaits: let that happen before then() is replaced.
    await undefined;
    const saved = {
      push: Array.prototype.push,
      shift: Array.prototype.shift,
      then: Promise.prototype.then,
      resolve: Promise.resolve,
    };
    const boom = () => {
      throw new Error("a patched built-in was used");
    };
    Array.prototype.push = boom;
    Array.prototype.shift = boom;
    Promise.prototype.then = boom;
    Promise.resolve = boom;
    let out, piped;
    try {
      const rs = new ReadableStream({
        start(c) {
          c.enqueue("a");
          c.enqueue("b");
          c.close();
        },
      });
      const got = [];
      const ts = new TransformStream();
      const pipe = rs.pipeTo(ts.writable);
      const reader = ts.readable.getReader();
      for (;;) {
        const r = await reader.read();
        if (r.done) break;
        got[got.length] = r.value;
      }
      await pipe;
      piped = true;
      out = got;
    } finally {
      Object.assign(Array.prototype, { push: saved.push, shift: saved.shift });
      Promise.prototype.then = saved.then;
      Promise.resolve = saved.resolve;
    }
    assertEq(piped, true, "the pipe finished");
    assertDeep(out, ["a", "b"], "chunks");
  },
};

export const largeQueueDrainsWithoutDeepRecursion = {
  async test() {
    const n = 200000;
    const rs = new ReadableStream({
      start(c) {
        for (let i = 0; i < n; i++) c.enqueue(i);
        c.close();
      },
    });
    let count = 0;
    const reader = rs.getReader();
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
      count++;
    }
    assertEq(count, n, "every chunk read");
  },
};

// --- More byte stream paths --------------------------------------------------

export const byteStreamTeeWithByobBranch = {
  async test() {
    let n = 0;
    const rs = new ReadableStream({
      type: "bytes",
      pull(c) {
        n++;
        if (n > 3) {
          c.close();
          c.byobRequest?.respond(0);
          return;
        }
        c.enqueue(new Uint8Array([n, n]));
      },
    });
    const [a, b] = rs.tee();
    const byob = a.getReader({ mode: "byob" });
    const got = [];
    for (;;) {
      const { value, done } = await byob.read(new Uint8Array(8));
      if (done) break;
      got.push(...value);
    }
    assertDeep(got, [1, 1, 2, 2, 3, 3], "the BYOB branch");
    const other = [];
    for await (const chunk of b) other.push(...chunk);
    assertDeep(other, [1, 1, 2, 2, 3, 3], "the default branch");
  },
};

export const byobRespondWithNewView = {
  async test() {
    const rs = new ReadableStream({
      type: "bytes",
      pull(c) {
        const view = c.byobRequest.view;
        const written = new Uint8Array(view.buffer, view.byteOffset, 2);
        written.set([7, 8]);
        c.byobRequest.respondWithNewView(written);
      },
    });
    const reader = rs.getReader({ mode: "byob" });
    const { value } = await reader.read(new Uint8Array(5));
    assertDeep([...value], [7, 8], "the new view's bytes");
  },
};

export const byobRequestValidation = {
  async test() {
    let controller;
    const rs = new ReadableStream({
      type: "bytes",
      start(c) {
        controller = c;
      },
    });
    const reader = rs.getReader({ mode: "byob" });
    const read = reader.read(new Uint8Array(4));
    await flush();
    const req = controller.byobRequest;
    assert(req instanceof ReadableStreamBYOBRequest, "a pending read makes a byobRequest");
    assertEq(controller.byobRequest, req, "the same request until it is answered");
    assertThrows(() => req.respond(5), RangeError, "more bytes than the view holds");
    assertThrows(() => req.respond(0), TypeError, "0 bytes on a readable stream");
    assertThrows(() => req.respondWithNewView(new Uint8Array(2)), RangeError, "a view on another buffer");
    req.view.set([1, 2, 3]);
    req.respond(3);
    assertEq(req.view, null, "an answered request has no view");
    assertThrows(() => req.respond(1), TypeError, "answering twice");
    assertDeep([...(await read).value], [1, 2, 3], "the read");
  },
};

export const byobPartialElementsCarryOver = {
  async test() {
    let controller;
    const rs = new ReadableStream({
      type: "bytes",
      start(c) {
        controller = c;
      },
    });
    const reader = rs.getReader({ mode: "byob" });
    controller.enqueue(new Uint8Array([1, 0, 2]));
    const first = await reader.read(new Uint16Array(2));
    assertEq(first.value.length, 1, "one whole element; the odd byte waits");
    assertEq(first.value[0], 1, "little-endian 1");
    controller.enqueue(new Uint8Array([0]));
    const second = await reader.read(new Uint16Array(2));
    assertEq(second.value[0], 2, "the odd byte joined the next one");
  },
};

export const byteStreamCloseWithPartialElementErrors = {
  async test() {
    let controller;
    const rs = new ReadableStream({
      type: "bytes",
      start(c) {
        controller = c;
      },
    });
    const reader = rs.getReader({ mode: "byob" });
    const read = reader.read(new Uint16Array(2));
    await flush();
    controller.byobRequest.view[0] = 9;
    controller.byobRequest.respond(1);
    assertThrows(() => controller.close(), TypeError, "closing with half an element pending");
    await assertRejects(read, TypeError, "the read fails");
    await assertRejects(reader.closed, TypeError, "the stream is errored");
  },
};

export const byteStreamCancelEndsPendingByobRead = {
  async test() {
    let reason;
    const rs = new ReadableStream({
      type: "bytes",
      cancel(r) {
        reason = r;
      },
    });
    const reader = rs.getReader({ mode: "byob" });
    const read = reader.read(new Uint8Array(4));
    await reader.cancel("stop");
    assertDeep(await read, { done: true }, "a canceled BYOB read is done without a view");
    assertEq(reason, "stop", "the source got the reason");
  },
};

export const byteStreamErrorRejectsPendingByobRead = {
  async test() {
    let controller;
    const rs = new ReadableStream({
      type: "bytes",
      start(c) {
        controller = c;
      },
    });
    const reader = rs.getReader({ mode: "byob" });
    const read = reader.read(new DataView(new ArrayBuffer(4)));
    controller.error(error1);
    await assertRejects(read, null, "the pending read", error1);
    assertEq(controller.byobRequest, null, "no request on an errored stream");
  },
};

export const byobReleaseThenRespondQueuesBytes = {
  async test() {
    let controller;
    const rs = new ReadableStream({
      type: "bytes",
      start(c) {
        controller = c;
      },
    });
    const byob = rs.getReader({ mode: "byob" });
    const read = byob.read(new Uint8Array(4));
    await flush();
    const req = controller.byobRequest;
    byob.releaseLock();
    await assertRejects(read, TypeError, "the released read fails");
    req.view.set([5, 6]);
    req.respond(2);
    const reader = rs.getReader();
    const { value } = await reader.read();
    assertDeep([...value], [5, 6], "bytes written for a released reader reach the next reader");
  },
};

export const byteStreamDefaultReaderGetsQueuedBytes = {
  async test() {
    const rs = new ReadableStream({
      type: "bytes",
      start(c) {
        c.enqueue(new Uint8Array([1, 2, 3]).subarray(1));
        c.close();
      },
    });
    const reader = rs.getReader();
    const { value } = await reader.read();
    assertDeep([...value], [2, 3], "a view with an offset");
    assertEq(value.byteOffset, 1, "keeps its offset in the transferred buffer");
    assertDeep(await reader.read(), { done: true }, "then done");
  },
};

export const pipeToFromByteStream = {
  async test() {
    const rs = new ReadableStream({
      type: "bytes",
      start(c) {
        c.enqueue(new Uint8Array([1]));
        c.enqueue(new Uint8Array([2, 3]));
        c.close();
      },
    });
    const got = [];
    await rs.pipeTo(new WritableStream({ write: (chunk) => got.push(...chunk) }));
    assertDeep(got, [1, 2, 3], "bytes piped");
  },
};

// --- More writable stream paths ----------------------------------------------

export const writableAbortDuringCloseWaitsForClose = {
  async test() {
    const closing = deferred();
    const sink = recordingSink({ close: () => closing.promise });
    const ws = new WritableStream(sink);
    const writer = ws.getWriter();
    const closed = writer.close();
    await flush();
    const aborted = writer.abort(error1);
    closing.resolve();
    await closed;
    await aborted;
    assertDeep(sink.events, [["close"]], "the sink's abort is not called once it closed");
    await writer.closed;
  },
};

export const writableAbortWhileErroringRejectsWithStoredError = {
  async test() {
    const writing = deferred();
    const ws = new WritableStream({ write: () => writing.promise });
    const writer = ws.getWriter();
    const w = writer.write("x");
    await flush();
    const a1 = writer.abort(error1);
    const a2 = writer.abort(error2);
    assertEq(a1, a2, "a second abort returns the pending abort's promise");
    writing.resolve();
    await w;
    await a1;
    await assertRejects(writer.closed, null, "closed rejects with the first reason", error1);
  },
};

export const writableStartRejectionErrorsStream = {
  async test() {
    const ws = new WritableStream({
      start() {
        return Promise.reject(error2);
      },
    });
    const writer = ws.getWriter();
    await assertRejects(writer.closed, null, "closed", error2);
    await assertRejects(writer.ready, null, "ready", error2);
  },
};

export const writableSizeThrowErrorsStream = {
  async test() {
    const ws = new WritableStream(
      {},
      {
        size() {
          throw error1;
        },
      },
    );
    const writer = ws.getWriter();
    await assertRejects(writer.write("x"), null, "the write", error1);
    await assertRejects(writer.closed, null, "closed", error1);
  },
};

// A start() that returns a promise is adopted into a new promise, as Web
// IDL converts a callback's result: the stream counts as started only after
// the adoption's two microtask turns, so pull() cannot run before the third.
export const startPromiseIsAdoptedNotReused = {
  async test() {
    let pulls = 0;
    new ReadableStream({
      start() {
        return Promise.resolve("started");
      },
      pull() {
        pulls++;
      },
    });
    await undefined;
    await undefined;
    assertEq(pulls, 0, "pull() calls two turns after construction");
    await flush();
    assertEq(pulls, 1, "pull() calls once the start promise settled");
  },
};

// Cancelling a TransformStream's readable side and erroring its controller
// in the same turn: the cancel started first, it finds the writable side
// still erroring, and so fulfils; the writable side keeps the error.
export const transformCancelThenErrorInSameTurn = {
  async test() {
    let ctl;
    const ts = new TransformStream({
      start(c) {
        ctl = c;
      },
    });
    const canceled = ts.readable.cancel(error2);
    ctl.error(error1);
    await canceled;
    await assertRejects(ts.writable.getWriter().closed, null, "writable side's closed", error1);
  },
};

// The same with terminate(): the writable side errors with a TypeError,
// while the cancel that came first still fulfils.
export const transformCancelThenTerminateInSameTurn = {
  async test() {
    let ctl;
    const ts = new TransformStream({
      start(c) {
        ctl = c;
      },
    });
    const canceled = ts.readable.cancel(error2);
    ctl.terminate();
    await canceled;
    await assertRejects(ts.writable.getWriter().closed, TypeError, "writable side's closed");
  },
};

// Every cancel() of a closed stream and abort() of a closed writable hands
// back a promise of its own.
export const settledStreamsReturnFreshPromises = {
  async test() {
    const rs = new ReadableStream({
      start(c) {
        c.close();
      },
    });
    const c1 = rs.cancel();
    const c2 = rs.cancel();
    assert(c1 !== c2, "two cancel() calls on a closed stream return different promises");
    await c1;
    await c2;
    const ws = new WritableStream();
    const writer = ws.getWriter();
    await writer.close();
    writer.releaseLock();
    const a1 = ws.abort();
    const a2 = ws.abort();
    assert(a1 !== a2, "two abort() calls on a closed writable return different promises");
    await a1;
    await a2;
  },
};

// A pipe waiting on an empty source gets its next chunk from the source's
// enqueue(); the sink's write() must not run inside that enqueue() call.
export const pipeToDoesNotWriteInsideEnqueue = {
  async test() {
    let source;
    let insideEnqueue = false;
    const written = [];
    const rs = new ReadableStream(
      {
        start(c) {
          source = c;
        },
      },
      { highWaterMark: 0 },
    );
    const done = rs.pipeTo(
      new WritableStream({
        write(chunk) {
          written.push([chunk, insideEnqueue]);
        },
      }),
    );
    await flush();
    insideEnqueue = true;
    source.enqueue("x");
    insideEnqueue = false;
    await flush();
    source.close();
    await done;
    assertDeep(written, [["x", false]], "chunks written and whether inside enqueue()");
  },
};

// ReadableStream.from takes primitives that are iterable: a string gives
// its code points.
export const fromString = {
  async test() {
    const got = [];
    for await (const ch of ReadableStream.from("a\u{1F600}b")) got.push(ch);
    assertDeep(got, ["a", "\u{1F600}", "b"], "chunks of ReadableStream.from(string)");
    assertThrows(() => ReadableStream.from(42), TypeError, "ReadableStream.from(42)");
    assertThrows(() => ReadableStream.from(null), TypeError, "ReadableStream.from(null)");
  },
};

// The async iterator's return(value) declares one parameter.
export const asyncIteratorReturnLength = {
  test() {
    const it = new ReadableStream()[Symbol.asyncIterator]();
    const proto = Object.getPrototypeOf(it);
    assertEq(proto.next.length, 0, "next.length");
    assertEq(proto.return.length, 1, "return.length");
  },
};
