// Counts the requests its isolate served. The count lives in a module
// global, so it survives between requests for as long as the isolate does.
let served = 0;

export default {
  async fetch(request, env) {
    served++;
    return new Response(`count=${served} greeting=${env.GREETING ?? ""}\n`, {
      headers: { "content-type": "text/plain" },
    });
  },
};
