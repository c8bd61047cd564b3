export type Shape =
  | { kind: "square"; side: number }
  | { kind: "circle"; radius: number };

export function describe(shape: Shape, unit: string): string {
  switch (shape.kind) {
    case "square":
      return `square area=${(shape.side * shape.side).toFixed(2)}${unit}`;
    case "circle":
      return `circle area=${(Math.PI * shape.radius ** 2).toFixed(2)}${unit}`;
  }
}
