// The smallest useful worker: module syntax, a fetch handler, a binding
// from the Caddyfile (env.GREETING) and a look at the request.
export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    const who = url.searchParams.get("name") || "world";
    return new Response(`${env.GREETING}, ${who}! You asked for ${url.pathname}\n`, {
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  },
};
