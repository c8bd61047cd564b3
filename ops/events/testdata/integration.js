// Cases for ops/events with the families that use AbortSignal, run by
// events_test.go (TestWithStreamsAndFetch).

function eq(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: got ${a}, want ${e}`);
}

export const pipeToAbortedBySignal = {
  async test() {
    const c = new AbortController();
    const written = [];
    let sinkAbortReason;
    const rs = new ReadableStream({
      start(ctrl) {
        ctrl.enqueue("a");
      },
    });
    const ws = new WritableStream({
      write(chunk) {
        written.push(chunk);
        c.abort("stop");
      },
      abort(reason) {
        sinkAbortReason = reason;
      },
    });
    let rejected;
    await rs.pipeTo(ws, { signal: c.signal }).catch((e) => (rejected = e));
    eq([written, rejected, sinkAbortReason], [["a"], "stop", "stop"], "pipeTo with a signal");
  },
};

export const pipeToWithAbortedSignal = {
  async test() {
    const rs = new ReadableStream();
    const ws = new WritableStream();
    let rejected;
    await rs.pipeTo(ws, { signal: AbortSignal.abort() }).catch((e) => (rejected = e));
    eq([rejected instanceof DOMException, rejected.name], [true, "AbortError"], "already aborted");
    let err;
    await new ReadableStream().pipeTo(new WritableStream(), { signal: {} }).catch((e) => (err = e));
    eq(err instanceof TypeError, true, "a non-signal is refused");
  },
};

export const writableControllerSignal = {
  async test() {
    let signal;
    const ws = new WritableStream({
      start(ctrl) {
        signal = ctrl.signal;
      },
    });
    eq([signal instanceof AbortSignal, signal.aborted], [true, false], "controller signal");
    let fired = 0;
    signal.addEventListener("abort", () => fired++);
    await ws.abort("reason");
    eq([signal.aborted, signal.reason, fired], [true, "reason", 1], "after abort");
  },
};

export const requestSignalFollows = {
  test() {
    const c = new AbortController();
    const r = new Request("https://example.com/", { signal: c.signal });
    eq([r.signal instanceof AbortSignal, r.signal === c.signal, r.signal.aborted], [true, false, false], "request signal");
    const clone = r.clone();
    c.abort("gone");
    eq([r.signal.aborted, r.signal.reason, clone.signal.reason], [true, "gone", "gone"], "follows the init signal");
    const plain = new Request("https://example.com/");
    eq([plain.signal instanceof AbortSignal, plain.signal.aborted], [true, false], "default signal");
  },
};

export const fetchEventIsAnEvent = {
  test() {
    const e = new FetchEvent("fetch", { request: new Request("https://example.com/") });
    eq([e instanceof Event, e.type, e.isTrusted, e.cancelable], [true, "fetch", false, false], "FetchEvent");
  },
};
