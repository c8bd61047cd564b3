// Cases for ops/dom, run by dom_test.go.

function eq(actual, expected, what) {
  if (!Object.is(actual, expected)) {
    throw new Error(`${what}: got ${String(actual)}, want ${String(expected)}`);
  }
}

export const defaults = {
  test() {
    const e = new DOMException();
    eq(e.message, "", "default message");
    eq(e.name, "Error", "default name");
    eq(e.code, 0, "default code");
    const u = new DOMException(undefined, undefined);
    eq(u.message, "", "undefined message");
    eq(u.name, "Error", "undefined name");
    eq(new DOMException(null).message, "null", "null message is stringified");
  },
};

export const namesAndCodes = {
  test() {
    const table = {
      IndexSizeError: 1,
      HierarchyRequestError: 3,
      InvalidCharacterError: 5,
      NotFoundError: 8,
      NotSupportedError: 9,
      InvalidStateError: 11,
      SyntaxError: 12,
      InvalidAccessError: 15,
      TypeMismatchError: 17,
      SecurityError: 18,
      NetworkError: 19,
      AbortError: 20,
      QuotaExceededError: 22,
      TimeoutError: 23,
      DataCloneError: 25,
      EncodingError: 0,
      OperationError: 0,
      NotAllowedError: 0,
      NoSuchError: 0,
    };
    for (const [name, code] of Object.entries(table)) {
      const e = new DOMException("m", name);
      eq(e.name, name, `name of ${name}`);
      eq(e.code, code, `code of ${name}`);
    }
  },
};

export const constants = {
  test() {
    const all = [
      "INDEX_SIZE_ERR", "DOMSTRING_SIZE_ERR", "HIERARCHY_REQUEST_ERR", "WRONG_DOCUMENT_ERR",
      "INVALID_CHARACTER_ERR", "NO_DATA_ALLOWED_ERR", "NO_MODIFICATION_ALLOWED_ERR", "NOT_FOUND_ERR",
      "NOT_SUPPORTED_ERR", "INUSE_ATTRIBUTE_ERR", "INVALID_STATE_ERR", "SYNTAX_ERR",
      "INVALID_MODIFICATION_ERR", "NAMESPACE_ERR", "INVALID_ACCESS_ERR", "VALIDATION_ERR",
      "TYPE_MISMATCH_ERR", "SECURITY_ERR", "NETWORK_ERR", "ABORT_ERR", "URL_MISMATCH_ERR",
      "QUOTA_EXCEEDED_ERR", "TIMEOUT_ERR", "INVALID_NODE_TYPE_ERR", "DATA_CLONE_ERR",
    ];
    all.forEach((c, i) => {
      eq(DOMException[c], i + 1, `DOMException.${c}`);
      eq(DOMException.prototype[c], i + 1, `DOMException.prototype.${c}`);
      eq(new DOMException()[c], i + 1, `instance ${c}`);
      const d = Object.getOwnPropertyDescriptor(DOMException, c);
      eq(d.writable || d.configurable, false, `${c} is read-only`);
      eq(d.enumerable, true, `${c} is enumerable`);
    });
  },
};

export const isAnError = {
  test() {
    const e = new DOMException("gone", "NotFoundError");
    eq(e instanceof DOMException, true, "instanceof DOMException");
    eq(e instanceof Error, true, "instanceof Error");
    eq(String(e), "NotFoundError: gone", "toString");
    eq(Object.prototype.toString.call(e), "[object DOMException]", "toStringTag");
    eq(typeof e.stack, "string", "has a stack");
    eq(e.stack.startsWith("NotFoundError: gone\n"), true, `stack header: ${e.stack}`);
    eq(e.stack.includes("isAnError") || e.stack.includes("test"), true, `stack names the caller: ${e.stack}`);
    eq(Object.keys(e).length, 0, "no enumerable own properties");
    let caught;
    try {
      throw new DOMException("x", "AbortError");
    } catch (err) {
      caught = err;
    }
    eq(caught.name, "AbortError", "thrown and caught");
  },
};

export const brandChecks = {
  test() {
    const get = (p) => Object.getOwnPropertyDescriptor(DOMException.prototype, p).get;
    for (const p of ["name", "message", "code"]) {
      let threw = false;
      try {
        get(p).call({});
      } catch (e) {
        threw = e instanceof TypeError;
      }
      eq(threw, true, `${p} getter on a plain object`);
      eq(Object.getOwnPropertyDescriptor(DOMException.prototype, p).enumerable, true, `${p} enumerable`);
    }
    let threw = false;
    try {
      DOMException();
    } catch (e) {
      threw = e instanceof TypeError;
    }
    eq(threw, true, "calling without new");
  },
};

export const subclass = {
  test() {
    class MyError extends DOMException {
      constructor(m) {
        super(m, "TimeoutError");
      }
    }
    const e = new MyError("late");
    eq(e instanceof MyError, true, "instanceof subclass");
    eq(e.code, 23, "inherited code");
    eq(e.message, "late", "message");
  },
};

export const fromGoOps = {
  test() {
    let caught;
    try {
      goThrow("QuotaExceededError", "too much");
    } catch (e) {
      caught = e;
    }
    eq(caught instanceof DOMException, true, "Go op throws a DOMException");
    eq(caught.name, "QuotaExceededError", "name from Go");
    eq(caught.message, "too much", "message from Go");
    eq(caught.code, 22, "code");
  },
};

export const globalProperty = {
  test() {
    const d = Object.getOwnPropertyDescriptor(globalThis, "DOMException");
    eq(d.enumerable, false, "not enumerable");
    eq(d.writable && d.configurable, true, "writable, configurable");
    eq(DOMException.length, 0, "constructor length");
    eq(DOMException.name, "DOMException", "constructor name");
  },
};
