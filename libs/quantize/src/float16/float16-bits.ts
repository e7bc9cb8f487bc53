// IEEE 754 binary16 ("half") <-> float32 conversion on bit patterns, round to nearest, ties to even.

/** The largest finite float16 (bits 0x7bff). */
export const FLOAT16_MAX = 65504;

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/**
 * The float16 bit pattern nearest to `value` read as a float32 (ties to even), as IEEE conversion does:
 * finite values from 65520 up (halfway past 65504) become ±Infinity, NaN stays NaN. Working from the
 * float32 bits avoids the double rounding a double -> half shortcut would risk; weights are float32 anyway.
 *
 * @example float32ToFloat16Bits(1) === 0x3c00; float32ToFloat16Bits(65520) === 0x7c00 (Infinity)
 */
export function float32ToFloat16Bits(value: number): number {
  F32[0] = value;
  const u = U32[0] as number;
  const sign = (u >>> 16) & 0x8000;
  const exp = (u >>> 23) & 0xff;
  const mant = u & 0x7fffff;
  if (exp === 0xff) {
    // Infinity keeps a zero mantissa; a NaN must keep a non-zero one, so the quiet bit is forced.
    return mant === 0 ? sign | 0x7c00 : sign | 0x7e00 | (mant >>> 13);
  }
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Half subnormal, in units of 2^-24: the 24-bit significand (implicit 1 included) shifted right by 14 - e.
    const shift = 14 - e;
    if (shift > 24) return sign; // below half the smallest subnormal: (signed) zero
    const m = mant | 0x800000;
    let q = m >>> shift;
    const rest = m & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && (q & 1) === 1)) q++;
    // A carry out of the subnormal range lands exactly on the smallest normal's encoding.
    return sign | q;
  }
  let half = sign | (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  // A carry from the mantissa into the exponent is the correct next binade (or Infinity from 0x7bff).
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1)) half++;
  return half;
}

/** The value of a float16 bit pattern (always exactly representable as a float32). */
export function float16BitsToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant === 0 ? sign * Infinity : NaN;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** A float32 array as float16 bit patterns (IEEE conversion, element by element). */
export function float32ArrayToFloat16Bits(data: Float32Array): Uint16Array {
  const bits = new Uint16Array(data.length);
  for (let i = 0; i < data.length; i++) bits[i] = float32ToFloat16Bits(data[i] as number);
  return bits;
}

/** The index of the first finite value beyond ±FLOAT16_MAX, or -1; ±Infinity and NaN are not out of range. */
export function firstOutOfFloat16Range(data: Float32Array): number {
  return data.findIndex((x) => Number.isFinite(x) && Math.abs(x) > FLOAT16_MAX);
}
