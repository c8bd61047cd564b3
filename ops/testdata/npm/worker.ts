// A worker built from the libraries Workers code pulls from npm: Hono and
// itty-router for routing, zod to validate input, jose for JWTs (HMAC,
// RSA, ECDSA and EdDSA signatures, JWE encryption) on crypto.subtle.
// ops/npm_test.go installs package.json's exact versions and sends it
// requests; nothing here is adapted to Worky.
import { Hono } from "hono";
import { AutoRouter, json } from "itty-router";
import * as jose from "jose";
import { z } from "zod";

type Env = { SECRET: string };

const User = z.object({
  name: z.string().min(1),
  age: z.number().int().nonnegative(),
  email: z.email().optional(),
});

const app = new Hono<{ Bindings: Env }>();

app.get("/hono/hello/:name", (c) => c.json({ hello: c.req.param("name"), q: c.req.query("q") ?? null }));

app.post("/hono/users", async (c) => {
  const parsed = User.safeParse(await c.req.json());
  if (!parsed.success) {
    return c.json({ errors: parsed.error.issues.map((i) => i.path.join(".")) }, 400);
  }
  return c.json(parsed.data, 201);
});

app.get("/jwt/hs256", async (c) => {
  const secret = new TextEncoder().encode(c.env.SECRET);
  const token = await new jose.SignJWT({ role: "admin" })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject("alice")
    .setIssuedAt()
    .setExpirationTime("2h")
    .sign(secret);
  const { payload, protectedHeader } = await jose.jwtVerify(token, secret);
  let expired = null;
  const old = await new jose.SignJWT({}).setProtectedHeader({ alg: "HS256" }).setExpirationTime(1).sign(secret);
  try {
    await jose.jwtVerify(old, secret);
  } catch (e) {
    expired = (e as jose.errors.JOSEError).code;
  }
  return c.json({ sub: payload.sub, role: payload.role, alg: protectedHeader.alg, expired });
});

app.get("/jwt/sign/:alg", async (c) => {
  const alg = c.req.param("alg");
  const { publicKey, privateKey } = await jose.generateKeyPair(alg, { extractable: true });
  const token = await new jose.SignJWT({ n: 1 }).setProtectedHeader({ alg }).setSubject("bob").sign(privateKey);
  // The public key goes out as a JWK and comes back, as a JWKS would.
  const jwk = await jose.exportJWK(publicKey);
  const pub = await jose.importJWK(jwk, alg);
  const { payload } = await jose.jwtVerify(token, pub);
  let tampered = null;
  const [h, p, s] = token.split(".");
  const forged = `${h}.${jose.base64url.encode(JSON.stringify({ sub: "mallory" }))}.${s}`;
  try {
    await jose.jwtVerify(forged, pub);
  } catch (e) {
    tampered = (e as jose.errors.JOSEError).code;
  }
  return c.json({ sub: payload.sub, kty: jwk.kty, tampered, unchanged: p === token.split(".")[1] });
});

app.get("/jwe/:alg/:enc", async (c) => {
  const { alg, enc } = c.req.param();
  const { publicKey, privateKey } = await jose.generateKeyPair(alg, { extractable: true });
  const jwe = await new jose.CompactEncrypt(new TextEncoder().encode("the secret plans"))
    .setProtectedHeader({ alg, enc })
    .encrypt(publicKey);
  const { plaintext } = await jose.compactDecrypt(jwe, privateKey);
  return c.json({ parts: jwe.split(".").length, plaintext: new TextDecoder().decode(plaintext) });
});

const router = AutoRouter({ base: "/itty" });
router.get("/items/:id", ({ params, query }) => ({ id: params.id, q: query.q ?? null }));
router.post("/echo", async (request) => json({ echoed: await request.json() }));

export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext) {
    const url = new URL(request.url);
    if (url.pathname.startsWith("/itty/")) return router.fetch(request, env, ctx);
    return app.fetch(request, env, ctx);
  },
};
