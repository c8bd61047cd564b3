// Every count the kv-counter worker has kept: a second worker bound to
// the same KV namespace (as env.VISITS) sees what the first one writes.
// GET / answers {"/some/path": 3, ...}, paths in key order.
//
// KV's get takes at most 100 keys at once, so each page of the list is
// read in chunks of 100.
const MAX_KEYS_PER_GET = 100;

export default {
  async fetch(request, env) {
    const counts = {};
    let cursor;
    do {
      const page = await env.VISITS.list({ cursor });
      const names = page.keys.map((k) => k.name);
      for (let i = 0; i < names.length; i += MAX_KEYS_PER_GET) {
        const values = await env.VISITS.get(names.slice(i, i + MAX_KEYS_PER_GET));
        for (const [path, visits] of values) {
          if (visits !== null) {
            counts[path] = Number(visits);
          }
        }
      }
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor);
    return Response.json(counts);
  },
};
