// Reads and writes its KV binding, env.STORE: GET /get?key=k answers the
// value (or "absent"), /put?key=k&value=v stores it, /list?prefix=p lists
// key names. Each answer says how many requests the isolate has served
// (a module global), so that a test can tell a warm isolate from a new one.
let served = 0;

export default {
  async fetch(request, env) {
    served++;
    const url = new URL(request.url);
    const key = url.searchParams.get("key");
    switch (url.pathname) {
      case "/get": {
        const value = await env.STORE.get(key);
        return new Response(`${value ?? "absent"} served=${served}\n`);
      }
      case "/put":
        await env.STORE.put(key, url.searchParams.get("value"));
        return new Response(`ok served=${served}\n`);
      case "/list": {
        const { keys } = await env.STORE.list({ prefix: url.searchParams.get("prefix") ?? "" });
        return new Response(keys.map((k) => k.name).join(",") + "\n");
      }
    }
    return new Response("not found\n", { status: 404 });
  },
};
