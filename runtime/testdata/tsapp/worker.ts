import { shout } from "./lib/shout";
import greet from "greet";
import config from "./config.json";
import banner from "./banner.txt";

interface Env {
  GREETING: string;
}

export default {
  async fetch(request: { url: string }, env: Env): Promise<{ status: number; body: string }> {
    const who: string = request.url.split("who=")[1] ?? "world";
    return { status: 200, body: [shout(env.GREETING), greet(who), config.name, banner.trim()].join("|") };
  },
};
