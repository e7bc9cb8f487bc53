// Where ONNX (opsets 13-17) allows no float16: the op inputs/outputs fp16 conversion keeps in float32, with Casts around them.

import type { OnnxNode } from '../onnx/onnx-model.ts';

/** Input and output positions that must stay float32. */
export interface Float32Positions {
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  /** The opset range where the restriction holds; CumSum gained float16 in opset 14. */
  readonly untilOpset?: number;
  /** Why, from the operator's type constraints. */
  readonly reason: string;
}

/**
 * Every ai.onnx op whose type constraints list tensor(float) but not tensor(float16), or that has a
 * fixed tensor(float) input/output, at any opset 13-17 (read from onnx 1.12's schemas; the sibling
 * test re-reads them with python onnx so this table cannot drift silently).
 */
export const FLOAT32_ONLY_OPS: Readonly<Record<string, Float32Positions>> = Object.freeze({
  Celu: { inputs: [0], outputs: [0], reason: 'Celu-12 is defined for float only' },
  CumSum: { inputs: [0], outputs: [0], untilOpset: 13, reason: 'CumSum-11 has no float16 (CumSum-14 adds it)' },
  DequantizeLinear: { inputs: [1], outputs: [0], reason: 'x_scale and y are float only until opset 19' },
  DynamicQuantizeLinear: { inputs: [0], outputs: [1], reason: 'x and y_scale are float only' },
  IsInf: { inputs: [0], outputs: [], reason: 'IsInf-10 takes float or double' },
  LayerNormalization: { inputs: [], outputs: [1, 2], reason: 'Mean and InvStdDev have the stash type (float)' },
  NonMaxSuppression: { inputs: [0, 1, 3, 4], outputs: [], reason: 'boxes, scores and thresholds are float only' },
  QLinearConv: { inputs: [1, 4, 6], outputs: [], reason: 'scales are float only' },
  QLinearMatMul: { inputs: [1, 4, 6], outputs: [], reason: 'scales are float only' },
  QuantizeLinear: { inputs: [0, 1], outputs: [], reason: 'x and y_scale are float (or int32) only until opset 19' },
  Range: { inputs: [0, 1, 2], outputs: [0], reason: 'Range-11 has no float16' },
  Resize: { inputs: [2], outputs: [], reason: 'scales is float only' },
  TfIdfVectorizer: { inputs: [], outputs: [0], reason: 'its output is float only' },
});

/** Whether input `index` of `node` must be float32 (the tensor is float; this says which type it must arrive in). */
export function needsFloat32Input(node: OnnxNode, index: number, opset: number): boolean {
  const entry = FLOAT32_ONLY_OPS[node.opType];
  return entry !== undefined && opset <= (entry.untilOpset ?? Infinity) && entry.inputs.includes(index);
}

/** Whether output `index` of `node` comes out as float32 whatever its inputs. */
export function producesFloat32Output(node: OnnxNode, index: number, opset: number): boolean {
  const entry = FLOAT32_ONLY_OPS[node.opType];
  return entry !== undefined && opset <= (entry.untilOpset ?? Infinity) && entry.outputs.includes(index);
}
