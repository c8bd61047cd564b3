// Echoes what the worker knows about the client: its address headers
// and request.cf.
export default {
  fetch(request) {
    const h = (name) => request.headers.get(name);
    return Response.json({
      connectingIP: h("cf-connecting-ip"),
      realIP: h("x-real-ip"),
      forwardedFor: h("x-forwarded-for"),
      cf: request.cf ?? null,
    });
  },
};
