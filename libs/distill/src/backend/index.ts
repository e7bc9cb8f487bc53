// Backend selection, the wasm gradient kernels, training speed-ups and the fused training batch norm, re-exported for the lib's public index.

export { activateBackend, selectBackend } from './select-backend.ts';
export type { BackendCandidate, SelectedBackend } from './select-backend.ts';
export { candidatesFor, CPU_CANDIDATE, DEFAULT_BACKEND_CANDIDATES, TFJS_NODE_CANDIDATE, WASM_CANDIDATE } from './candidates.ts';
export { registerWasmGradientKernels, WASM_GRADIENT_KERNELS } from './kernels/register-wasm-gradient-kernels.ts';
export { installWasmKernelOverrides, WASM_KERNEL_OVERRIDES } from './kernels/install-wasm-kernel-overrides.ts';
export type { WasmKernelOverride } from './kernels/wasm-kernel-override.ts';
export { registerTrainingGradients } from './gradients/register-training-gradients.ts';
export { batchNormTraining } from './gradients/batch-norm-training.ts';
export type { BatchNormTrainingResult } from './gradients/batch-norm-training.ts';
