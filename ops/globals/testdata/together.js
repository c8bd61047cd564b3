// Cases run with every family of ops/webidl .. ops/globals installed, in
// the order ops/ops.go lists them: they check the families against each
// other (console output of the others' objects, structuredClone of
// DOMException, timers reporting through console's formatter).

function eq(actual, expected, what) {
  if (actual !== expected) throw new Error(`${what}:\n got: ${JSON.stringify(actual)}\nwant: ${JSON.stringify(expected)}`);
}

export const inspectPlatformObjects = {
  test() {
    eq(inspect(new TextEncoder()), "TextEncoder {}", "TextEncoder");
    eq(inspect(new TextDecoder()), "TextDecoder {}", "TextDecoder");
    eq(inspect(crypto), "Crypto {}", "crypto");
    eq(inspect(performance), "Performance {}", "performance");
    eq(inspect(navigator), "Navigator {}", "navigator");
    const e = inspect(new DOMException("stop", "AbortError"));
    if (!e.startsWith("AbortError: stop\n    at ") || e.includes("Symbol(")) throw new Error(`DOMException printed as ${e}`);
    const nested = inspect({ reason: new DOMException("late", "TimeoutError") });
    if (!nested.startsWith("{\n  reason: TimeoutError: late\n      at ")) throw new Error(`nested DOMException printed as ${nested}`);
  },
};

export const cloneDOMException = {
  test() {
    const c = structuredClone(new DOMException("m", "DataCloneError"));
    eq(c instanceof DOMException, true, "instanceof");
    eq(c.code, 25, "code");
  },
};

export const goErrorsAreDOMExceptions = {
  test() {
    let caught;
    try {
      atob("*");
    } catch (e) {
      caught = e;
    }
    eq(caught instanceof DOMException, true, "atob throws a DOMException built by the runtime");
    eq(caught.name, "InvalidCharacterError", "name");
  },
};

export const consoleWithEverything = {
  async test() {
    console.log(new TextDecoder(), crypto, performance, navigator, new DOMException("x"));
    console.log("%o", structuredClone({ a: new Map([[1, new Set([2])]]) }));
    await new Promise((resolve) => setTimeout(resolve, 1));
  },
};
