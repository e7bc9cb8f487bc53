// A model with extra tensors exposed as graph outputs, so onnxruntime returns intermediate activations.

import type { OnnxModel } from './onnx-model.ts';

/**
 * `model` with each of `tensors` appended to the graph outputs as float32 of unknown shape
 * (onnxruntime only returns graph outputs). Tensors that already are outputs, and repeats, are
 * skipped; the original outputs keep their positions. The input model is not modified.
 *
 * @example
 * const augmented = withGraphOutputs(model, ['conv_1_out']); // session.run(feeds, ['conv_1_out'])
 */
export function withGraphOutputs(model: OnnxModel, tensors: readonly string[]): OnnxModel {
  const { graph } = model;
  const have = new Set(graph.outputs.map((o) => o.name));
  const added = [...new Set(tensors)].filter((t) => !have.has(t)).map((name) => ({ name, elemType: 'float32' as const, shape: undefined }));
  return { ...model, graph: { ...graph, outputs: [...graph.outputs, ...added] } };
}
