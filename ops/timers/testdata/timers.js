// Cases for ops/timers, run by timers_test.go.

function eq(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: got ${a}, want ${e}`);
}

function throwsType(fn, what) {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof TypeError)) throw new Error(`${what}: threw ${e}, want a TypeError`);
    return e;
  }
  throw new Error(`${what}: did not throw`);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// until waits for cond, however loaded the machine: a test that counts
// interval ticks in a fixed window would fail on a busy CI runner.
async function until(cond) {
  while (!cond()) await sleep(2);
}

export const orderAfterMicrotasks = {
  async test() {
    const order = [];
    setTimeout(() => order.push("t1"), 0);
    setTimeout(() => order.push("t2"));
    Promise.resolve().then(() => order.push("promise"));
    queueMicrotask(() => order.push("microtask"));
    order.push("sync");
    await sleep(20);
    eq(order, ["sync", "promise", "microtask", "t1", "t2"], "order");
  },
};

export const manyZeroTimersInCreationOrder = {
  async test() {
    const order = [];
    const want = [];
    for (let i = 0; i < 300; i++) {
      want.push(i);
      setTimeout(() => order.push(i), 0);
    }
    await sleep(50);
    eq(order, want, "300 zero-delay timers");
  },
};

export const deadlineOrder = {
  async test() {
    const order = [];
    setTimeout(() => order.push("30"), 30);
    setTimeout(() => order.push("10"), 10);
    setTimeout(() => order.push("0"), 0);
    setTimeout(() => order.push("20"), 20);
    await sleep(60);
    eq(order, ["0", "10", "20", "30"], "by deadline");
  },
};

export const microtasksRunBetweenTimers = {
  async test() {
    const order = [];
    setTimeout(() => {
      order.push("t1");
      Promise.resolve().then(() => order.push("t1 micro"));
    }, 0);
    setTimeout(() => order.push("t2"), 0);
    await sleep(20);
    eq(order, ["t1", "t1 micro", "t2"], "each timer is its own task");
  },
};

export const delayIsHonoured = {
  async test() {
    const start = Date.now();
    await sleep(30);
    const took = Date.now() - start;
    if (took < 29) throw new Error(`a 30ms timer fired after ${took}ms`);
  },
};

export const intervalFiresThenClears = {
  async test() {
    let n = 0;
    const times = [];
    await new Promise((resolve) => {
      const id = setInterval(() => {
        n++;
        times.push(Date.now());
        if (n === 5) {
          clearInterval(id);
          resolve();
        }
      }, 5);
    });
    await sleep(40);
    eq(n, 5, "fired 5 times, then nothing after clearInterval");
    for (let i = 1; i < times.length; i++) {
      if (times[i] - times[i - 1] < 4) throw new Error(`interval ticks ${times[i] - times[i - 1]}ms apart, want >= 5ms`);
    }
  },
};

export const intervalClearedFromOutside = {
  async test() {
    let n = 0;
    const id = setInterval(() => n++, 2);
    await until(() => n >= 2);
    clearInterval(id);
    const seen = n;
    await sleep(20);
    eq(n, seen, "no firing after clearInterval");
  },
};

export const zeroInterval = {
  async test() {
    let n = 0;
    const id = setInterval(() => n++, 0);
    await until(() => n >= 3);
    clearInterval(id);
    const seen = n;
    await sleep(10);
    eq(n, seen, "a 0ms interval stops when cleared");
  },
};

export const clearInsideCallback = {
  async test() {
    const fired = [];
    let second;
    setTimeout(() => {
      fired.push("first");
      clearTimeout(second);
    }, 0);
    second = setTimeout(() => fired.push("second"), 0);
    const third = setTimeout(() => fired.push("third"), 5);
    clearTimeout(third);
    await sleep(20);
    eq(fired, ["first"], "cleared timers do not fire");
  },
};

export const clearIsShared = {
  async test() {
    let fired = 0;
    clearInterval(setTimeout(() => fired++, 0));
    clearTimeout(setInterval(() => fired++, 1));
    clearTimeout();
    clearTimeout(undefined);
    clearTimeout(null);
    clearTimeout("nonsense");
    clearTimeout(123456789);
    await sleep(15);
    eq(fired, 0, "clearTimeout and clearInterval cancel either kind");
  },
};

export const argumentsAndThis = {
  async test() {
    let got;
    setTimeout(
      function (a, b, c) {
        got = { args: [a, b, c], isGlobal: this === globalThis };
      },
      0,
      1,
      "two",
      [3],
    );
    let intervalArgs;
    const id = setInterval((...a) => {
      intervalArgs = a;
      clearInterval(id);
    }, 1, "x", "y");
    await sleep(20);
    eq(got, { args: [1, "two", [3]], isGlobal: true }, "timeout arguments and this");
    eq(intervalArgs, ["x", "y"], "interval arguments");
  },
};

export const ids = {
  test() {
    const a = setTimeout(() => {}, 1000);
    const b = setInterval(() => {}, 1000);
    const c = setTimeout(() => {});
    clearTimeout(a);
    clearInterval(b);
    clearTimeout(c);
    for (const id of [a, b, c]) {
      if (typeof id !== "number" || !Number.isInteger(id) || id <= 0) throw new Error(`id ${id} is not a positive integer`);
    }
    if (a === b || b === c || a === c) throw new Error(`ids repeat: ${a} ${b} ${c}`);
  },
};

export const badCallbacks = {
  test() {
    const e = throwsType(() => setTimeout("alert(1)", 0), "string callback");
    if (!e.message.includes("string")) throw new Error(`message does not say why: ${e.message}`);
    throwsType(() => setInterval("x"), "string interval callback");
    throwsType(() => setTimeout(), "no callback");
    throwsType(() => setTimeout({}), "object callback");
    throwsType(() => queueMicrotask(), "queueMicrotask without arguments");
    throwsType(() => queueMicrotask("x"), "queueMicrotask string");
    throwsType(() => setTimeout(() => {}, Symbol()), "symbol delay");
    throwsType(() => setTimeout(() => {}, 1n), "bigint delay");
  },
};

export const oddDelays = {
  async test() {
    const order = [];
    setTimeout(() => order.push("NaN"), NaN);
    setTimeout(() => order.push("negative"), -100);
    setTimeout(() => order.push("string"), "1");
    setTimeout(() => order.push("wraps"), 2 ** 32 + 2);
    setTimeout(() => order.push("object"), { valueOf: () => 3 });
    await sleep(40);
    eq(order, ["NaN", "negative", "string", "wraps", "object"], "delays converted like Web IDL long");
  },
};

export const throwingCallbackDoesNotStopOthers = {
  async test() {
    const ran = [];
    setTimeout(() => {
      throw new Error("timer boom");
    }, 0);
    setTimeout(() => ran.push("after timeout"), 0);
    let n = 0;
    let thirdFire;
    const fired3 = new Promise((resolve) => (thirdFire = resolve));
    const id = setInterval(() => {
      n++;
      if (n === 3) {
        clearInterval(id);
        thirdFire();
      }
      throw new Error("interval boom");
    }, 1);
    queueMicrotask(() => {
      throw new Error("microtask boom");
    });
    queueMicrotask(() => ran.push("after microtask"));
    setTimeout(() => {
      throw "a string";
    }, 0);
    // Not a fixed sleep: on a loaded machine three 1 ms intervals may take
    // longer than any sleep we would pick.
    await fired3;
    await sleep(5);
    eq(ran, ["after microtask", "after timeout"], "others still ran");
    eq(n, 3, "a throwing interval keeps firing until cleared, and stops when cleared");
  },
};

export const nestedTimers = {
  async test() {
    const order = [];
    await new Promise((resolve) => {
      setTimeout(() => {
        order.push("outer");
        setTimeout(() => {
          order.push("inner");
          resolve();
        }, 0);
      }, 0);
    });
    eq(order, ["outer", "inner"], "timers set from timers");
  },
};

export const tamperedBuiltins = {
  async test() {
    const then = Promise.prototype.then;
    const apply = Reflect.apply;
    let ran = 0;
    try {
      Promise.prototype.then = () => {
        throw new Error("then replaced");
      };
      Reflect.apply = () => {
        throw new Error("apply replaced");
      };
      setTimeout(() => ran++, 0);
      queueMicrotask(() => ran++);
    } finally {
      Promise.prototype.then = then;
      Reflect.apply = apply;
    }
    await sleep(10);
    eq(ran, 2, "timers work with replaced built-ins");
  },
};
