// Replaces a wasm backend kernel with a faster path for some calls, handing every other call to the original.

import * as tf from '@tensorflow/tfjs';
import type { WasmBackendLike } from './wasm-kernel-calls.ts';

/** What a kernel function receives, typed for our composed kernels. */
export interface WasmKernelArgs<Attrs> {
  inputs: tf.NamedTensorInfoMap;
  backend: WasmBackendLike;
  attrs: Attrs;
}

/** A fast path for one wasm kernel: it returns undefined for the calls it does not handle. */
export interface WasmKernelOverride<Attrs = Record<string, unknown>> {
  readonly kernelName: string;
  readonly fastPath: (args: WasmKernelArgs<Attrs>) => tf.TensorInfo | undefined;
}

/**
 * Marks a registered config as ours. A global symbol rather than a module-level set: the kernel registry
 * is global too, and tests or bundlers can load this module twice.
 */
const OVERRIDDEN = Symbol.for('whittle.wasmKernelOverride');

type MarkedConfig = tf.KernelConfig & { [OVERRIDDEN]?: tf.KernelConfig };

/** The kernel the registered `kernelName` override delegates to, or undefined when it is not overridden. */
export function originalWasmKernel(kernelName: string): tf.KernelConfig | undefined {
  return (tf.getKernel(kernelName, 'wasm') as MarkedConfig | undefined)?.[OVERRIDDEN];
}

/**
 * Install `override` in front of the wasm kernel of the same name; returns false if it already was.
 * The original's setupFunc travels with the new config so a backend initialised later still wires up the
 * C++ function the fallback calls.
 */
export function installWasmKernelOverride<Attrs>(override: WasmKernelOverride<Attrs>): boolean {
  const current = tf.getKernel(override.kernelName, 'wasm') as MarkedConfig | undefined;
  if (current === undefined) throw new Error(`wasm backend has no '${override.kernelName}' kernel to override (is @tensorflow/tfjs-backend-wasm loaded?)`);
  if (current[OVERRIDDEN] !== undefined) return false;
  const original = current;
  const config: MarkedConfig = {
    kernelName: override.kernelName,
    backendName: 'wasm',
    kernelFunc: (args) => override.fastPath(args as unknown as WasmKernelArgs<Attrs>) ?? original.kernelFunc(args),
    [OVERRIDDEN]: original,
  };
  if (original.setupFunc !== undefined) config.setupFunc = original.setupFunc;
  if (original.disposeFunc !== undefined) config.disposeFunc = original.disposeFunc;
  tf.unregisterKernel(override.kernelName, 'wasm');
  tf.registerKernel(config);
  return true;
}
