// An API gateway: a request reaches the origin only with
// `Authorization: Bearer <token>` where the token is the API_TOKEN secret.
// Anything else gets a 401 with a JSON error and
// `WWW-Authenticate: Bearer`. An accepted request is passed to the
// origin as it came (fetch(request) to the worker's own host goes to the
// handler after `worky`, here reverse_proxy), body and all.
//
// The token is compared through SHA-256 digests with a loop that does not
// stop early, so how long the check takes says nothing about how much of
// a guess was right.

const encoder = new TextEncoder();

async function digest(s) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(s)));
}

async function sameToken(given, expected) {
  const [a, b] = await Promise.all([digest(given), digest(expected)]);
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

function reject(status, error, description) {
  const challenge = description
    ? `Bearer realm="api", error="${error}", error_description="${description}"`
    : `Bearer realm="api"`;
  return Response.json({ error, description }, {
    status,
    headers: { "www-authenticate": challenge, "cache-control": "no-store" },
  });
}

export default {
  async fetch(request, env) {
    if (!env.API_TOKEN) {
      // A gateway without a token must not let everyone through.
      console.error("api-gateway: the API_TOKEN secret is not set; refusing every request");
      return Response.json({ error: "server_error", description: "the gateway has no token configured" }, { status: 500 });
    }
    const auth = request.headers.get("authorization");
    if (auth === null) {
      return reject(401, "unauthorized", "");
    }
    const match = /^Bearer[ \t]+([A-Za-z0-9\-._~+\/]+=*)[ \t]*$/i.exec(auth);
    if (match === null) {
      return reject(401, "invalid_request", "expected Authorization: Bearer <token>");
    }
    if (!(await sameToken(match[1], env.API_TOKEN))) {
      return reject(401, "invalid_token", "the token is not valid");
    }
    return fetch(request);
  },
};
