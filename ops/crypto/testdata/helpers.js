// Helpers shared by the crypto case files: hex and base64url, and
// assertions whose failures say what was checked.

export function hex(s) {
  s = s.replace(/\s+/g, "");
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.substr(2 * i, 2), 16);
  return out;
}

export function toHex(buf) {
  return Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, "0")).join("");
}

// b64url encodes bytes as unpadded base64url (a JWK member).
const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
export function b64url(u8) {
  let out = "";
  for (let i = 0; i < u8.length; i += 3) {
    const n = (u8[i] << 16) | ((u8[i + 1] ?? 0) << 8) | (u8[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((u8.length - i) * 8) / 6));
    for (let j = 0; j < chars; j++) out += B64URL[(n >> (18 - 6 * j)) & 63];
  }
  return out;
}

export function eq(actual, expected, what) {
  if (!Object.is(actual, expected)) throw new Error(`${what}: got ${String(actual)}, want ${String(expected)}`);
}

export function eqHex(buf, expected, what) {
  if (!(buf instanceof ArrayBuffer)) throw new Error(`${what}: result is not an ArrayBuffer`);
  eq(toHex(buf), expected.replace(/\s+/g, "").toLowerCase(), what);
}

// rejects checks that promise rejects with the named error (a
// DOMException's name, or "TypeError") and, if part is given, a message
// that contains it.
export async function rejects(promise, name, what, part = undefined) {
  if (!(promise instanceof Promise)) throw new Error(`${what}: did not return a promise`);
  try {
    await promise;
  } catch (e) {
    const got = e instanceof DOMException ? e.name : e instanceof TypeError ? "TypeError" : String(e);
    if (got !== name) throw new Error(`${what}: rejected with ${got} (${e && e.message}), want ${name}`);
    if (part !== undefined && !String(e.message).includes(part)) {
      throw new Error(`${what}: message ${JSON.stringify(e.message)} does not say ${JSON.stringify(part)}`);
    }
    return e;
  }
  throw new Error(`${what}: did not reject, want ${name}`);
}
