// A TypeScript worker: types and interfaces, a relative import of another
// .ts module and a JSON import, all bundled by Worky when Caddy loads the
// config (no build step).
import { pick, type Quote } from "./quotes";
import settings from "./settings.json";

interface Env {
  SITE_NAME: string;
}

interface Answer {
  site: string;
  quote: Quote;
  total: number;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    const index = Number(url.searchParams.get("n") ?? settings.defaultQuote);
    const answer: Answer = {
      site: env.SITE_NAME,
      quote: pick(index),
      total: settings.quotes.length,
    };
    return new Response(JSON.stringify(answer, null, settings.indent) + "\n", {
      headers: { "content-type": "application/json" },
    });
  },
};
