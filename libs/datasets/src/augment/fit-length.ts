// Centre a clip of any length in a fixed-length window, so length-changing augmentations keep the word in the middle.

/**
 * `signal` cropped or zero-padded about its centre to `length` samples: a longer clip loses equal
 * parts of both ends, a shorter one gets equal silence on both sides (the odd sample goes to the end).
 * Speech Commands words sit near the middle of their second, so the centre is where to keep them.
 *
 * @example fitLength(Float32Array.of(1, 2, 3, 4), 2) // [2, 3]
 */
export function fitLength(signal: Float32Array, length: number): Float32Array {
  if (!Number.isInteger(length) || length < 0) throw new RangeError(`fitLength() length must be a non-negative integer; got ${length}`);
  if (signal.length === length) return signal.slice();
  const out = new Float32Array(length);
  if (signal.length > length) {
    const start = Math.floor((signal.length - length) / 2);
    out.set(signal.subarray(start, start + length));
  } else {
    out.set(signal, Math.floor((length - signal.length) / 2));
  }
  return out;
}
