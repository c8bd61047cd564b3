import { describe, type Shape } from "./lib/shapes";

interface Env {
  UNIT: string;
}

const shapes: Shape[] = [
  { kind: "square", side: 2 },
  { kind: "circle", radius: 1 },
];

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const lines: string[] = shapes.map((s) => describe(s, env.UNIT));
    return new Response(lines.join("\n") + "\n");
  },
};
