// Subrequests through Caddy: to the worker's own host (the next handler),
// to another host (the egress policy), and over the per-request limit.
export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    switch (url.pathname) {
      case "/pass": {
        const res = await fetch(request);
        const out = new Response(res.body, res);
        out.headers.set("x-via", "worker");
        return out;
      }
      case "/throw":
        ctx.passThroughOnException();
        throw new Error("the worker failed; the origin answers instead");
      case "/egress": {
        try {
          const res = await fetch(url.searchParams.get("to"));
          return new Response(`fetched ${res.status}: ${await res.text()}`);
        } catch (e) {
          return new Response(`${e.name}: ${e.message}`, { status: 502 });
        }
      }
      case "/limit": {
        const n = Number(url.searchParams.get("n"));
        let done = 0;
        try {
          for (let i = 0; i < n; i++) {
            await (await fetch(new URL("/origin", url))).text();
            done++;
          }
          return new Response(`made ${done}`);
        } catch (e) {
          return new Response(`made ${done}, then ${e.name}: ${e.message}`, { status: 502 });
        }
      }
    }
    return new Response("not found", { status: 404 });
  },
};
