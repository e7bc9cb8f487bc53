// The tfjs backends Whittle knows: tfjs-node (native TensorFlow), wasm with our gradient kernels, pure-JS cpu.

import { activateBackend, type BackendCandidate } from './select-backend.ts';
import { registerTrainingGradients } from './gradients/register-training-gradients.ts';
import { installWasmKernelOverrides } from './kernels/install-wasm-kernel-overrides.ts';
import { registerWasmGradientKernels } from './kernels/register-wasm-gradient-kernels.ts';

export const TFJS_NODE_CANDIDATE: BackendCandidate = {
  name: 'tensorflow',
  priority: 0,
  async load() {
    // Optional dependency: its install downloads libtensorflow, which fails on offline machines.
    const specifier = '@tensorflow/tfjs-node';
    await import(/* @vite-ignore */ specifier);
    await activateBackend('tensorflow');
  },
};

export const WASM_CANDIDATE: BackendCandidate = {
  name: 'wasm',
  priority: 1,
  async load() {
    await import('@tensorflow/tfjs-backend-wasm');
    await activateBackend('wasm');
    registerWasmGradientKernels();
    // Without these a DS-CNN training step is ~10x slower on wasm: the builtin Sum/Mean transpose whole
    // activations, 1x1 Conv2DBackpropInput runs a direct loop, and tfjs-core's batch-norm gradients tile
    // and allocate full-size tensors in JavaScript. All keep the results (see each file's tests).
    installWasmKernelOverrides();
    registerTrainingGradients();
  },
};

export const CPU_CANDIDATE: BackendCandidate = {
  name: 'cpu',
  priority: 2,
  async load() {
    await activateBackend('cpu');
  },
};

export const DEFAULT_BACKEND_CANDIDATES: readonly BackendCandidate[] = [TFJS_NODE_CANDIDATE, WASM_CANDIDATE, CPU_CANDIDATE];

/** Candidates for a user preference: 'auto' tries all in priority order, a name forces that one. */
export function candidatesFor(preference: 'auto' | 'tensorflow' | 'wasm' | 'cpu'): readonly BackendCandidate[] {
  return preference === 'auto' ? DEFAULT_BACKEND_CANDIDATES : DEFAULT_BACKEND_CANDIDATES.filter((c) => c.name === preference);
}
