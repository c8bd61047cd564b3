export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const body = [
      `method=${request.method}`,
      `path=${url.pathname}`,
      `greeting=${env.GREETING}`,
      `secret=${env.TOKEN}`,
      `header=${request.headers.get("x-test") ?? ""}`,
    ].join("\n");
    return new Response(body + "\n", {
      status: 201,
      headers: { "content-type": "text/plain", "x-worker": "hello" },
    });
  },
};
