// Counts visits per path in Workers KV. GET /some/path counts a visit and
// answers {"path":"/some/path","visits":3}; GET /peek/some/path answers
// the same without counting (a read-only path, for the benchmark). The
// counts live in the KV namespace bound to env.COUNTS, so they survive
// restarts and every isolate, and every worker bound to the namespace,
// sees them.
//
// A get followed by a put is not atomic: two visits at the same moment
// may count once. That is KV's model (last write wins); an exact counter
// is a job for a Durable Object.
const PEEK = "/peek";

// KV keys are at most 512 bytes.
const MAX_KEY_BYTES = 512;
const encoder = new TextEncoder();

export default {
  async fetch(request, env) {
    let { pathname: path } = new URL(request.url);
    const peek = path === PEEK || path.startsWith(PEEK + "/");
    if (peek) {
      path = path.slice(PEEK.length) || "/";
    }
    if (encoder.encode(path).length > MAX_KEY_BYTES) {
      return Response.json({ error: "path too long to count" }, { status: 414 });
    }
    let visits = Number((await env.COUNTS.get(path)) ?? 0);
    if (!peek) {
      visits++;
      await env.COUNTS.put(path, String(visits));
    }
    return Response.json({ path, visits });
  },
};
