// Round half to even, the rounding ONNX QuantizeLinear specifies (numpy.round, C rint in the default mode).

/** Nearest integer; exact halves go to the even neighbour (2.5 -> 2, 3.5 -> 4, -2.5 -> -2). */
export function roundHalfToEven(x: number): number {
  const r = Math.round(x);
  // Math.round sends halves up; for a half whose upward neighbour is odd, step back down.
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
