// Test fixture: activate the tfjs wasm backend and hand back its heap, for tests of our compiled SIMD loops.

import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { heapMemory, type WasmBackendLike } from '../backend/kernels/wasm-kernel-calls.ts';
import type { WasmMemory } from '../backend/kernels/wasm-simd-function.ts';

/** Make wasm the active backend and return its memory (the heap our modules import). */
export async function activateWasmHeap(): Promise<WasmMemory> {
  await tf.setBackend('wasm');
  await tf.ready();
  const memory = heapMemory(tf.backend() as unknown as WasmBackendLike);
  if (memory === undefined) throw new Error('the wasm backend does not expose its memory');
  return memory;
}
