// The worker of subrequest_test.go: each path is a case; the test server's
// origin comes in the x-origin header, and a case answers with text the Go
// test checks (an exception becomes status 599 and "ERR name: message").

const enc = new TextEncoder();

async function errorOf(p) {
  try {
    const r = await p;
    return `resolved ${r.status}`;
  } catch (e) {
    return `${e.name}: ${e.message}`;
  }
}

const cases = {
  async bodies(req, o) {
    const form = new FormData();
    form.append("field", "value");
    const kinds = {
      string: "hello",
      bytes: new Uint8Array([104, 105]),
      form,
      params: new URLSearchParams("a=1&b=2"),
      blob: new Blob(["blob!"], { type: "text/x-blob" }),
      stream: new ReadableStream({
        start(c) {
          c.enqueue(enc.encode("str"));
          c.enqueue(enc.encode("eam"));
          c.close();
        },
      }),
    };
    const out = [];
    for (const [k, body] of Object.entries(kinds)) {
      const r = await fetch(o + "/echo", { method: "POST", body, headers: { "x-kind": k } });
      out.push(`${k}|${r.status}|${r.headers.get("x-got-type")}|${r.headers.get("x-got-length")}|${(await r.text()).replaceAll("\r\n", "~")}`);
    }
    // A Request as input, and a URL object.
    const r1 = await fetch(new Request(o + "/echo", { method: "PUT", body: "from a Request" }));
    out.push(`request|${r1.status}|${r1.headers.get("x-got-method")}|${await r1.text()}`);
    const r2 = await fetch(new URL(o + "/echo?q=1"));
    out.push(`url|${r2.status}|${r2.headers.get("x-got-method")}|${r2.url}|${r2.redirected}`);
    return out.join("\n");
  },

  async redirects(req, o) {
    const out = [];
    const f = await fetch(o + "/redirect/3");
    out.push(`follow|${f.status}|${f.redirected}|${f.url}|${await f.text()}`);
    const m = await fetch(o + "/redirect/3", { redirect: "manual" });
    out.push(`manual|${m.status}|${m.redirected}|${m.headers.get("location")}`);
    out.push(`error|${await errorOf(fetch(o + "/redirect/3", { redirect: "error" }))}`);
    const twenty = await fetch(o + "/redirect/20");
    out.push(`twenty|${twenty.status}|${await twenty.text()}`);
    out.push(`twentyone|${await errorOf(fetch(o + "/redirect/21"))}`);
    const post = await fetch(o + "/redirect303", { method: "POST", body: "x" });
    out.push(`303|${post.status}|${post.headers.get("x-got-method")}`);
    return out.join("\n");
  },

  async abortBefore(req, o) {
    const ac = new AbortController();
    ac.abort(new Error("stop before"));
    return errorOf(fetch(o + "/echo", { signal: ac.signal }));
  },

  async abortPending(req, o) {
    const ac = new AbortController();
    const p = fetch(o + "/hang", { signal: ac.signal });
    await fetch(o + "/wait-hang");
    ac.abort();
    return errorOf(p);
  },

  async abortMidBody(req, o) {
    const ac = new AbortController();
    const r = await fetch(o + "/slow-body", { signal: ac.signal });
    const reader = r.body.getReader();
    const first = await reader.read();
    ac.abort(new RangeError("enough"));
    let second;
    try {
      second = await reader.read();
      second = `read ${JSON.stringify(second)}`;
    } catch (e) {
      second = `${e.name}: ${e.message}`;
    }
    return `${new TextDecoder().decode(first.value)}|${second}`;
  },

  async streaming(req, o) {
    const r = await fetch(o + "/stream");
    const reader = r.body.getReader();
    const seen = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const s = new TextDecoder().decode(value);
      seen.push(s);
      // The server sends the next chunk only after this ack: a body
      // buffered whole would never finish.
      if (s !== "end") await (await fetch(o + "/ack")).text();
    }
    return seen.join(",");
  },

  async failures(req, o) {
    const out = [];
    out.push(`refused|${await errorOf(fetch(req.headers.get("x-closed")))}`);
    out.push(`dns|${await errorOf(fetch("http://no-such-host.invalid/"))}`);
    out.push(`timeout|${await errorOf(fetch(o + "/hang"))}`);
    out.push(`scheme|${await errorOf(fetch("ftp://example.com/"))}`);
    out.push(`tls|${await errorOf(fetch(req.headers.get("x-tls")))}`);
    const late = await fetch(o + "/late-chunks");
    out.push(`late|${await late.text()}`);
    return out.join("\n");
  },

  async ssrf(req, o) {
    const port = new URL(o).port;
    const out = [];
    for (const u of [
      `http://127.0.0.1:${port}/`,
      `http://[::1]:${port}/`,
      "http://10.0.0.1/",
      `http://localhost:${port}/`,
      "http://169.254.169.254/latest/meta-data/",
      "http://[::ffff:127.0.0.1]:" + port + "/",
      "http://100.64.1.1/",
    ]) {
      out.push(await errorOf(fetch(u)));
    }
    return out.join("\n");
  },

  async redirectHop(req, o) {
    return errorOf(fetch(o + "/to-localhost"));
  },

  async allowList(req, o) {
    return errorOf(fetch("http://example.net/"));
  },

  async tooMany(req, o) {
    const out = [];
    for (let i = 0; i < 50; i++) {
      const r = await fetch(i % 2 === 0 ? o + "/echo" : new URL("/origin/n", req.url));
      await r.arrayBuffer();
    }
    out.push("50 ok");
    try {
      await fetch(o + "/echo");
      out.push("51st resolved");
    } catch (e) {
      out.push(`${e.name}: ${e.message}`);
    }
    return out.join("\n");
  },

  async concurrent(req, o) {
    const all = [];
    for (let i = 0; i < 7; i++) all.push(fetch(o + "/count").then((r) => r.text()));
    return (await Promise.all(all)).join(",");
  },

  async sameHost(req, o) {
    const body = new ReadableStream({
      start(c) {
        c.enqueue(enc.encode("up-"));
        c.enqueue(enc.encode("stream"));
        c.close();
      },
    });
    const r = await fetch(new URL("/origin/upload?x=1", req.url), { method: "POST", body, headers: { "x-sub": "1" } });
    const reader = r.body.getReader();
    const chunks = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(new TextDecoder().decode(value));
    }
    return `${r.status}|${r.headers.get("x-origin-saw")}|${chunks.join("+")}`;
  },

  async sameHostAbort(req) {
    const ac = new AbortController();
    const r = await fetch(new URL("/origin/endless", req.url), { signal: ac.signal });
    const reader = r.body.getReader();
    const first = await reader.read();
    ac.abort(new Error("cut"));
    return `${first.value.length > 0}|${await errorOf(reader.read())}`;
  },

  async unreadUpload(req) {
    let cancelled = "not cancelled";
    let pulls = 0;
    const body = new ReadableStream({
      pull(c) {
        pulls++;
        c.enqueue(new Uint8Array(64 << 10));
      },
      cancel() {
        cancelled = "cancelled";
      },
    });
    const r = await fetch(new URL("/origin/ignore", req.url), { method: "POST", body });
    const text = await r.text();
    // Let the pump notice the closed body.
    for (let i = 0; i < 20 && cancelled !== "cancelled"; i++) await new Promise((res) => setTimeout(res, 10));
    return `${text}|${cancelled}|${pulls < 100}`;
  },

  async nextFails(req) {
    return errorOf(fetch(new URL("/origin/fail", req.url)));
  },

  async abortUpload(req, o) {
    const ac = new AbortController();
    let cancelled = "not cancelled";
    const body = new ReadableStream({
      pull(c) {
        c.enqueue(new Uint8Array(1024));
        return new Promise((r) => setTimeout(r, 5));
      },
      cancel(reason) {
        cancelled = `cancelled: ${reason}`;
      },
    });
    const p = fetch(new URL("/origin/slow-sink", req.url), { method: "POST", body, signal: ac.signal });
    setTimeout(() => ac.abort(new Error("user gave up")), 50);
    return `${await errorOf(p)}|${cancelled}`;
  },

  forward(req) {
    return fetch(req);
  },

  async forwardStream(req) {
    return fetch(new URL("/origin/sink", req.url), { method: "POST", body: req.body });
  },

  cf(req) {
    const cf = req.cf;
    return JSON.stringify({ cf, frozen: Object.isFrozen(cf), keys: Object.keys(cf) });
  },
};

export default {
  async fetch(req, env, ctx) {
    const path = new URL(req.url).pathname.slice(1);
    if (path === "pass-sync") {
      ctx.passThroughOnException();
      throw new Error("sync boom");
    }
    if (path === "pass-async") {
      ctx.passThroughOnException();
      const text = await req.text();
      throw new Error(`async boom after reading ${text.length} bytes`);
    }
    if (path === "pass-late") {
      const reader = req.body.getReader();
      await reader.read();
      reader.releaseLock();
      ctx.passThroughOnException();
      throw new Error("late");
    }
    if (path === "forward" || path === "forwardStream") return cases[path](req);
    if (path === "background") {
      ctx.waitUntil(fetch(req.headers.get("x-origin") + "/echo", { method: "POST", body: "in waitUntil" }).then((r) => r.text()));
      return new Response("sent");
    }
    try {
      const out = await cases[path](req, req.headers.get("x-origin"), ctx);
      return new Response(out);
    } catch (e) {
      return new Response(`ERR ${e.name}: ${e.message}`, { status: 599 });
    }
  },
};
