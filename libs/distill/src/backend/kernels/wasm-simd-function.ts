// Assembles small WebAssembly SIMD functions that run directly on the tfjs wasm backend's heap.

/**
 * Some gradient kernels have no efficient expression as a chain of tfjs-wasm kernels (each chain step
 * streams whole activations through memory again). These are compiled instead: a few hundred bytes of
 * wasm with the shapes baked in as constants, importing the backend's own WebAssembly.Memory so they
 * read and write tensor buffers in place. Only the handful of instructions the kernels need are encoded.
 */

/** The JS WebAssembly API, typed here: the repo's lib setting (ES2023, no DOM) does not declare it. */
interface WebAssemblyApi {
  readonly Memory: abstract new (...args: never[]) => WasmMemory;
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}

/** A WebAssembly.Memory (opaque here). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}

const webAssembly = (globalThis as unknown as { WebAssembly?: WebAssemblyApi }).WebAssembly;

/** `value` if it is a WebAssembly.Memory, else undefined. */
export function asWasmMemory(value: unknown): WasmMemory | undefined {
  return webAssembly !== undefined && value instanceof webAssembly.Memory ? value : undefined;
}

export const I32 = 0x7f;
export const V128 = 0x7b;

const uleb = (value: number): number[] => {
  const out: number[] = [];
  let n = value >>> 0;
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
};

const sleb = (value: number): number[] => {
  const out: number[] = [];
  let n = value | 0;
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) return [...out, byte];
    out.push(byte | 0x80);
  }
};

const simd = (opcode: number): number[] => [0xfd, ...uleb(opcode)];
/** v128 memory access: alignment hint 2^4, then a constant byte offset added to the address operand. */
const memarg = (offset: number): number[] => [4, ...uleb(offset)];

/** Encoders for the instructions used; each returns its bytes. */
export const op = {
  localGet: (index: number) => [0x20, ...uleb(index)],
  localSet: (index: number) => [0x21, ...uleb(index)],
  localTee: (index: number) => [0x22, ...uleb(index)],
  i32Const: (value: number) => [0x41, ...sleb(value)],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32LtU: [0x49],
  /** Pops a, b, condition; pushes a if condition is non-zero, else b. */
  select: [0x1b],
  /** `loop` with no result; a `brIf(0)` inside jumps back to its start. */
  loop: [0x03, 0x40],
  end: [0x0b],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  v128Load: (offset: number) => [...simd(0x00), ...memarg(offset)],
  v128Store: (offset: number) => [...simd(0x0b), ...memarg(offset)],
  /** One float from memory in all four lanes; alignment hint 2^2 (a wider hint than the access is invalid). */
  v128Load32Splat: (offset: number) => [...simd(0x09), 2, ...uleb(offset)],
  v128Zero: [...simd(0x0c), ...new Array<number>(16).fill(0)],
  /** Four float32 lanes of `value`. */
  v128ConstF32: (value: number) => [...simd(0x0c), ...new Uint8Array(new Float32Array([value, value, value, value]).buffer)],
  f32x4Ne: simd(0x42),
  f32x4Gt: simd(0x44),
  v128And: simd(0x4e),
  v128Or: simd(0x50),
  f32x4Add: simd(0xe4),
  f32x4Sub: simd(0xe5),
  f32x4Mul: simd(0xe6),
} as const;

const vector = (items: readonly number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (text: string): number[] => [...uleb(text.length), ...Array.from(text, (c) => c.charCodeAt(0))];

/** A function of `params` i32 arguments (byte addresses into the heap), no result. */
export interface SimdFunctionSource {
  readonly params: number;
  /** Extra locals after the parameters, as [count, type] runs. */
  readonly locals: readonly (readonly [number, typeof I32 | typeof V128])[];
  readonly body: readonly number[];
}

/** The module bytes: memory imported as env.memory, the function exported as `run`. */
export function encodeSimdModule(source: SimdFunctionSource): Uint8Array {
  const type = [0x60, ...vector(Array.from({ length: source.params }, () => [I32])), 0];
  const code = [...vector(source.locals.map(([count, t]) => [...uleb(count), t])), ...source.body, ...op.end];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector([type])),
    ...section(2, vector([[...name('env'), ...name('memory'), 0x02, 0x00, 0x00]])),
    ...section(3, vector([[0]])),
    ...section(7, vector([[...name('run'), 0x00, 0]])),
    ...section(10, vector([[...uleb(code.length), ...code]])),
  ]);
}

/**
 * Compile and link `source` against `memory`; undefined where the engine lacks wasm SIMD or the heap is
 * a shared (multi-threaded build) memory, which would need a different import declaration.
 */
export function compileSimdFunction(memory: WasmMemory, source: SimdFunctionSource): ((...addresses: number[]) => void) | undefined {
  if (webAssembly === undefined || (typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer)) return undefined;
  const bytes = encodeSimdModule(source);
  if (!webAssembly.validate(bytes)) return undefined;
  const instance = new webAssembly.Instance(new webAssembly.Module(bytes), { env: { memory } });
  return instance.exports['run'] as (...addresses: number[]) => void;
}

/** Compiled functions per backend memory; cleared past this many so varying shapes cannot grow it forever. */
const MAX_CACHED = 64;
const cache = new WeakMap<WasmMemory, Map<string, ((...addresses: number[]) => void) | undefined>>();

/**
 * The function compiled from `source()` for `key` (the generator name and the shape baked into it),
 * compiling on first use. A training run sees a handful of shapes, so this compiles a handful of times.
 */
export function cachedSimdFunction(memory: WasmMemory, key: string, source: () => SimdFunctionSource | undefined): ((...addresses: number[]) => void) | undefined {
  let byKey = cache.get(memory);
  if (byKey === undefined) cache.set(memory, (byKey = new Map()));
  if (!byKey.has(key)) {
    if (byKey.size >= MAX_CACHED) byKey.clear();
    const s = source();
    byKey.set(key, s === undefined ? undefined : compileSimdFunction(memory, s));
  }
  return byKey.get(key);
}
