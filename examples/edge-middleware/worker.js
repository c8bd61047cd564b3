// Edge middleware in front of an origin that Caddy reverse-proxies to.
// For every request the worker:
//   - adds `x-worky: 1` to the request the origin gets;
//   - puts the visitor in A/B group "a" or "b" by the `ab` cookie, picking
//     one at random (and setting the cookie) on the first visit, and sends
//     the request to the origin under /a or /b;
//   - replaces ORIGIN_TEXT with EDGE_TEXT in HTML responses;
//   - caches nothing: answers are per visitor, so they go out as
//     `cache-control: private, no-store`.
// fetch() to the incoming request's own host does not leave Caddy: it goes
// to the handler after `worky` in the route, here reverse_proxy.

const ORIGIN_TEXT = "Hello from the origin";
const EDGE_TEXT = "Hello from the edge";
const COOKIE = "ab";
const GROUPS = ["a", "b"];

function groupFromCookie(header) {
  for (const part of (header ?? "").split(";")) {
    const [name, value] = part.trim().split("=");
    if (name === COOKIE && GROUPS.includes(value)) return value;
  }
  return null;
}

export default {
  async fetch(request) {
    const cookieGroup = groupFromCookie(request.headers.get("cookie"));
    const group = cookieGroup ?? GROUPS[Math.floor(Math.random() * GROUPS.length)];

    const url = new URL(request.url);
    url.pathname = `/${group}${url.pathname}`;
    const headers = new Headers(request.headers);
    headers.set("x-worky", "1");
    headers.set("x-ab-group", group);
    // The worker may rewrite the body, so it asks the origin for it
    // uncompressed; put `encode` before `worky` to compress for clients.
    headers.delete("accept-encoding");
    const upstream = await fetch(new Request(url, {
      method: request.method,
      headers,
      body: request.body,
      redirect: "manual",
    }));

    let response;
    const type = upstream.headers.get("content-type") ?? "";
    if (type.toLowerCase().startsWith("text/html")) {
      const html = (await upstream.text()).replaceAll(ORIGIN_TEXT, EDGE_TEXT);
      response = new Response(html, upstream);
      response.headers.delete("content-length");
    } else {
      response = new Response(upstream.body, upstream);
    }
    response.headers.set("cache-control", "private, no-store");
    response.headers.set("x-ab-group", group);
    if (cookieGroup === null) {
      response.headers.append("set-cookie",
        `${COOKIE}=${group}; Path=/; Max-Age=2592000; SameSite=Lax; HttpOnly`);
    }
    return response;
  },
};
