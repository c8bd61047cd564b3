import settings from "./settings.json";

export interface Quote {
  n: number;
  text: string;
  author: string;
}

// pick returns quote n (wrapping around), numbered from 0.
export function pick(n: number): Quote {
  const all = settings.quotes;
  const i = ((Math.trunc(n) % all.length) + all.length) % all.length;
  return { n: i, ...all[i] };
}
