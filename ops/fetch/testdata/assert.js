// Small assertions shared by the fetch family's case files. Every failure
// says what was checked, what was expected and what came instead.

export function show(v) {
  if (typeof v === "string") return JSON.stringify(v);
  if (v instanceof Uint8Array) return `Uint8Array[${Array.from(v).join(",")}]`;
  try {
    const s = JSON.stringify(v);
    if (s !== undefined) return s;
  } catch {}
  return String(v);
}

export function eq(actual, expected, what) {
  if (!Object.is(actual, expected)) {
    throw new Error(`${what}: got ${show(actual)}, want ${show(expected)}`);
  }
}

export function deepEq(actual, expected, what) {
  const a = show(actual);
  const e = show(expected);
  if (a !== e) throw new Error(`${what}: got ${a}, want ${e}`);
}

export function ok(cond, what) {
  if (!cond) throw new Error(`${what}: not true`);
}

function checkError(e, Class, includes, what) {
  const name = typeof Class === "string" ? Class : Class.name;
  const actualName = e && e.name;
  if (typeof Class === "string" ? actualName !== Class : !(e instanceof Class)) {
    throw new Error(`${what}: threw ${actualName}: ${e && e.message}, want a ${name}`);
  }
  if (includes !== undefined && !String(e.message).includes(includes)) {
    throw new Error(`${what}: message ${show(e.message)} does not include ${show(includes)}`);
  }
}

// throws checks that fn throws an instance of Class (or an error whose name
// is Class, for a string) whose message includes includes.
export function throws(fn, Class, includes, what) {
  try {
    fn();
  } catch (e) {
    checkError(e, Class, includes, what);
    return e;
  }
  throw new Error(`${what}: did not throw, want a ${typeof Class === "string" ? Class : Class.name}`);
}

export async function rejects(promiseOrFn, Class, includes, what) {
  try {
    await (typeof promiseOrFn === "function" ? promiseOrFn() : promiseOrFn);
  } catch (e) {
    checkError(e, Class, includes, what);
    return e;
  }
  throw new Error(`${what}: did not reject, want a ${typeof Class === "string" ? Class : Class.name}`);
}

export function bytes(...list) {
  return new Uint8Array(list);
}

export const utf8 = (s) => {
  // Encodes without TextEncoder, which another family provides.
  const out = [];
  for (const ch of s) {
    let c = ch.codePointAt(0);
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return new Uint8Array(out);
};
