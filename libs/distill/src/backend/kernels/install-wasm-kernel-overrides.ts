// Installs the faster wasm kernels for the calls that dominate DS-CNN training (idempotent).

import { CONV2D_BACKPROP_INPUT_WASM_OVERRIDE } from './conv2d-backprop-input.ts';
import { FUSED_BATCH_NORM_WASM_OVERRIDE } from './fused-batch-norm.ts';
import { CAST_WASM_OVERRIDE, IDENTITY_WASM_OVERRIDE } from './identity-cast.ts';
import { MEAN_WASM_OVERRIDE } from './mean.ts';
import { SUM_WASM_OVERRIDE } from './sum.ts';
import { TILE_WASM_OVERRIDE } from './tile.ts';
import { installWasmKernelOverride, type WasmKernelOverride } from './wasm-kernel-override.ts';

export const WASM_KERNEL_OVERRIDES: readonly WasmKernelOverride<never>[] = [
  SUM_WASM_OVERRIDE,
  MEAN_WASM_OVERRIDE,
  CONV2D_BACKPROP_INPUT_WASM_OVERRIDE,
  FUSED_BATCH_NORM_WASM_OVERRIDE,
  IDENTITY_WASM_OVERRIDE,
  CAST_WASM_OVERRIDE,
  TILE_WASM_OVERRIDE,
] as readonly WasmKernelOverride<never>[];

/** Put each override in front of its builtin wasm kernel; returns the names overridden now. */
export function installWasmKernelOverrides(): string[] {
  return WASM_KERNEL_OVERRIDES.filter((o) => installWasmKernelOverride(o)).map((o) => o.kernelName);
}
