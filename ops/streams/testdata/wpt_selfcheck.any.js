// The self-check of wpt_harness.js, run by TestWPTHarness (build tag wpt):
// every test's name starts with the status the harness must give it, so a
// harness that lets a broken assertion pass is caught.
"use strict";

test(() => assert_equals(1, "1"), "FAIL assert_equals: a number is not its string");
test(() => assert_equals(0, -0), "FAIL assert_equals: 0 and -0 differ");
test(() => assert_equals(NaN, NaN), "PASS assert_equals: NaN equals NaN");
test(() => assert_not_equals(NaN, NaN), "FAIL assert_not_equals: NaN and NaN");
test(() => assert_true(1), "FAIL assert_true: 1 is not true");
test(() => assert_false(0), "FAIL assert_false: 0 is not false");
test(() => assert_array_equals([1, 2], [1, 3]), "FAIL assert_array_equals: an element differs");
test(() => assert_array_equals([1], [1, 2]), "FAIL assert_array_equals: lengths differ");
test(() => assert_array_equals([1, [2]], [1, [2]]), "FAIL assert_array_equals: elements compare by identity");
test(() => assert_object_equals({ a: 1 }, { a: 2 }), "FAIL assert_object_equals: a value differs");
test(() => assert_object_equals({ a: 1 }, { a: 1, b: 2 }), "FAIL assert_object_equals: a property is missing");
test(() => assert_object_equals({ a: 1, b: 2 }, { a: 1 }), "FAIL assert_object_equals: an extra property");
test(() => assert_object_equals({ a: { b: [1] } }, { a: { b: [1] } }), "PASS assert_object_equals: nested equal values");
test(() => assert_throws_js(TypeError, () => {}), "FAIL assert_throws_js: nothing thrown");
test(() => assert_throws_js(TypeError, () => { throw new RangeError("r"); }), "FAIL assert_throws_js: another class");
test(() => assert_throws_js(TypeError, () => { throw new TypeError("t"); }), "PASS assert_throws_js: the right class");
test(() => assert_throws_exactly(1, () => { throw 2; }), "FAIL assert_throws_exactly: another value");
test(() => assert_throws_dom("AbortError", () => { throw new TypeError("t"); }), "FAIL assert_throws_dom: not a DOMException");
test(() => assert_throws_dom("AbortError", () => { throw new DOMException("m", "AbortError"); }), "PASS assert_throws_dom: the right name");
test(() => { throw new Error("boom"); }, "FAIL test: an uncaught exception");
test(() => assert_unreached("here"), "FAIL assert_unreached");

promise_test((t) => promise_rejects_js(t, TypeError, Promise.resolve(1)), "FAIL promise_rejects_js: fulfilled");
promise_test((t) => promise_rejects_js(t, TypeError, Promise.reject(new RangeError("r"))), "FAIL promise_rejects_js: another class");
promise_test((t) => promise_rejects_exactly(t, 1, Promise.reject(2)), "FAIL promise_rejects_exactly: another value");
promise_test((t) => promise_rejects_dom(t, "AbortError", Promise.reject(new DOMException("m", "NotFoundError"))), "FAIL promise_rejects_dom: another name");
promise_test((t) => promise_rejects_dom(t, "AbortError", Promise.reject(new DOMException("m", "AbortError"))), "PASS promise_rejects_dom: the right name");
promise_test(async () => {
  await null;
  assert_true(false, "after an await");
}, "FAIL promise_test: an assertion after an await");
promise_test(() => 5, "FAIL promise_test: the function returns no promise");
promise_test(() => new Promise(() => {}), "TIMEOUT promise_test: the promise never settles");
promise_test((t) => {
  t.add_cleanup(() => {
    throw new Error("cleanup");
  });
  return Promise.resolve();
}, "FAIL add_cleanup: a cleanup that throws");
promise_test(async (t) => {
  const original = Promise.prototype.then;
  Promise.prototype.then = () => {
    throw new Error("patched then() called");
  };
  t.add_cleanup(() => {
    Promise.prototype.then = original;
  });
}, "PASS harness: survives a patched Promise.prototype.then");

async_test((t) => {
  step_timeout(t.step_func(() => assert_true(false, "in a step")), 1);
}, "FAIL async_test: a failing step_func");
async_test((t) => {
  step_timeout(t.unreached_func("timer"), 1);
}, "FAIL async_test: unreached_func");
async_test(() => {}, "TIMEOUT async_test: done() never called");
async_test((t) => {
  t.step_timeout(t.step_func_done(() => assert_true(true)), 1);
}, "PASS async_test: step_func_done");
