// float32 <-> float16 bit conversion on exact values: ±0, subnormals, ties to even, the 65504/65520 boundary, inf, NaN.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '@whittle/datasets';
import { SYSTEM_PYTHON } from '../testing/onnx-test-utils.ts';
import { FLOAT16_MAX, firstOutOfFloat16Range, float16BitsToFloat32, float32ArrayToFloat16Bits, float32ToFloat16Bits } from './float16-bits.ts';

describe('float32ToFloat16Bits', () => {
  it.each([
    [0, 0x0000],
    [-0, 0x8000],
    [1, 0x3c00],
    [-1, 0xbc00],
    [0.5, 0x3800],
    [2, 0x4000],
    [-2, 0xc000],
    [65504, 0x7bff],
    [-65504, 0xfbff],
    [0.333251953125, 0x3555],
    [2 ** -14, 0x0400], // smallest normal
    [2 ** -24, 0x0001], // smallest subnormal
    [-(2 ** -24), 0x8001],
    [1023 * 2 ** -24, 0x03ff], // largest subnormal
    [Infinity, 0x7c00],
    [-Infinity, 0xfc00],
  ])('%s -> %s', (value, bits) => {
    expect(float32ToFloat16Bits(value)).toBe(bits);
  });

  it('rounds to nearest, ties to even, in normals and subnormals', () => {
    // 1 + 2^-11 lies halfway between 1 (even mantissa 0) and 1 + 2^-10: rounds down; 1 + 3*2^-11 rounds up to the even 1 + 2^-9.
    expect(float32ToFloat16Bits(1 + 2 ** -11)).toBe(0x3c00);
    expect(float32ToFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(float32ToFloat16Bits(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01);
    // Subnormal ties: 0.5 ulp rounds to 0, 1.5 ulp to 2 ulp, just above 0.5 ulp to 1 ulp.
    expect(float32ToFloat16Bits(2 ** -25)).toBe(0x0000);
    expect(float32ToFloat16Bits(1.5 * 2 ** -24)).toBe(0x0002);
    expect(float32ToFloat16Bits(2.5 * 2 ** -24)).toBe(0x0002);
    expect(float32ToFloat16Bits(2 ** -25 * (1 + 2 ** -20))).toBe(0x0001);
    expect(float32ToFloat16Bits(-(2 ** -26))).toBe(0x8000);
    // The largest subnormal plus half an ulp carries into the smallest normal.
    expect(float32ToFloat16Bits(1023.5 * 2 ** -24)).toBe(0x0400);
  });

  it('rounds to 65504 below 65520 and overflows to Infinity from 65520 (halfway past 65504)', () => {
    expect(float32ToFloat16Bits(65505)).toBe(0x7bff);
    expect(float32ToFloat16Bits(65519)).toBe(0x7bff);
    expect(float32ToFloat16Bits(65520)).toBe(0x7c00);
    expect(float32ToFloat16Bits(-65520)).toBe(0xfc00);
    expect(float32ToFloat16Bits(-1e6)).toBe(0xfc00);
  });

  it('keeps NaN a NaN, and float32 subnormals become zero', () => {
    const bits = float32ToFloat16Bits(NaN);
    expect(bits & 0x7c00).toBe(0x7c00);
    expect(bits & 0x03ff).not.toBe(0);
    expect(float32ToFloat16Bits(1e-40)).toBe(0x0000);
    expect(float32ToFloat16Bits(-1e-40)).toBe(0x8000);
  });
});

describe('float32ToFloat16Bits against numpy', () => {
  it('agrees with numpy astype(float16) on 20000 seeded float32 bit patterns around the half range', () => {
    const rng = new SeededRandom(16);
    const u32 = new Uint32Array(20000);
    // Exponents 95..145 cover float32 values from 2^-32 (below half subnormals) to 2^18 (past 65504); mantissa bits random.
    for (let i = 0; i < u32.length; i++) u32[i] = ((rng.uniform(0, 1) < 0.5 ? 1 : 0) << 31) | ((95 + Math.floor(rng.uniform(0, 51))) << 23) | Math.floor(rng.uniform(0, 0x800000));
    const floats = new Float32Array(u32.buffer);
    const script = 'import sys,json,numpy as np; u=np.array(json.load(sys.stdin),dtype=np.uint32); print(json.dumps(u.view(np.float32).astype(np.float16).view(np.uint16).tolist()))';
    const expected = JSON.parse(execFileSync(SYSTEM_PYTHON, ['-c', script], { input: JSON.stringify(Array.from(u32)), encoding: 'utf8', stdio: ['pipe', 'pipe', 'ignore'] })) as number[];
    const actual = Array.from(floats, (f) => float32ToFloat16Bits(f));
    expect(actual.filter((b, i) => b !== expected[i]).length).toBe(0);
  });
});

describe('float16BitsToFloat32', () => {
  it('inverts float32ToFloat16Bits on every non-NaN pattern', () => {
    let mismatches = 0;
    for (let bits = 0; bits < 0x10000; bits++) {
      const nan = ((bits >>> 10) & 0x1f) === 0x1f && (bits & 0x3ff) !== 0;
      if (!nan && float32ToFloat16Bits(float16BitsToFloat32(bits)) !== bits) mismatches++;
    }
    expect(mismatches).toBe(0);
    expect(float16BitsToFloat32(0x7bff)).toBe(FLOAT16_MAX);
    expect(float16BitsToFloat32(0x0001)).toBe(2 ** -24);
    expect(Object.is(float16BitsToFloat32(0x8000), -0)).toBe(true);
    expect(float16BitsToFloat32(0xfc00)).toBe(-Infinity);
    expect(Number.isNaN(float16BitsToFloat32(0x7e00))).toBe(true);
  });
});

describe('float32ArrayToFloat16Bits and firstOutOfFloat16Range', () => {
  it('converts element-wise and finds the first finite value beyond ±65504', () => {
    const data = Float32Array.of(1, -0, Infinity, NaN, 65504, -65505, 7e4);
    const bits = float32ArrayToFloat16Bits(data);
    expect(Array.from(bits.subarray(0, 3))).toEqual([0x3c00, 0x8000, 0x7c00]);
    expect(Number.isNaN(float16BitsToFloat32(bits[3] as number))).toBe(true);
    expect(Array.from(bits.subarray(4))).toEqual([0x7bff, 0xfbff, 0x7c00]);
    expect(firstOutOfFloat16Range(data)).toBe(5);
    expect(firstOutOfFloat16Range(data.subarray(0, 5))).toBe(-1);
  });
});
