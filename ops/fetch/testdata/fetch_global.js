// fetch() cases that need no server: argument checks, and what rejects
// before anything is sent.

async function rejection(p) {
  if (!(p instanceof Promise)) throw new Error(`fetch returned ${p}, not a promise`);
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("the promise resolved, want a rejection");
}

export const isAFunction = {
  test() {
    if (typeof fetch !== "function") throw new Error(`typeof fetch is ${typeof fetch}`);
    if (fetch.length !== 1) throw new Error(`fetch.length is ${fetch.length}, want 1`);
    if (fetch.name !== "fetch") throw new Error(`fetch.name is ${fetch.name}`);
  },
};

export const noArgumentsRejects = {
  async test() {
    const e = await rejection(fetch());
    if (!(e instanceof TypeError) || !e.message.includes("1 argument required")) throw new Error(`got ${e}`);
  },
};

export const badURLRejects = {
  async test() {
    const e = await rejection(fetch("not a url"));
    if (!(e instanceof TypeError) || !e.message.includes("not a url")) throw new Error(`got ${e}`);
  },
};

export const getWithBodyRejects = {
  async test() {
    const e = await rejection(fetch("http://example.com/", { body: "x" }));
    if (!(e instanceof TypeError) || !e.message.includes("GET/HEAD")) throw new Error(`got ${e}`);
  },
};

export const abortedSignalRejectsWithReason = {
  async test() {
    const reason = { mine: true };
    const e = await rejection(fetch("http://example.com/", { signal: AbortSignal.abort(reason) }));
    if (e !== reason) throw new Error(`rejected with ${e}, want the signal's reason`);
  },
};

export const usedBodyRejects = {
  async test() {
    const r = new Request("http://example.com/", { method: "POST", body: "x" });
    await r.text();
    const e = await rejection(fetch(r));
    if (!(e instanceof TypeError)) throw new Error(`got ${e}`);
  },
};

export const privateAddressRefused = {
  async test() {
    const e = await rejection(fetch("http://192.168.1.1/"));
    const want = "fetch to http://192.168.1.1/ refused by the worker's egress policy: 192.168.1.1 is a private address";
    if (!(e instanceof TypeError) || e.message !== want) throw new Error(`got ${e}, want TypeError: ${want}`);
  },
};

export const constructedResponseNotRedirected = {
  test() {
    if (new Response("x").redirected !== false) throw new Error("redirected is not false");
  },
};
