// Tensor-name compaction keeps the graph's interface and node names and renames edges consistently.
import { describe, expect, it } from 'vitest';
import type { OnnxModel } from './onnx-model.ts';
import { compactTensorNames } from './compact-tensor-names.ts';

const MODEL: OnnxModel = {
  irVersion: 7,
  opsetImports: [{ domain: '', version: 13 }],
  producerName: 't',
  producerVersion: '0',
  docString: '',
  graph: {
    name: 'g',
    nodes: [
      { name: 'scale', opType: 'Mul', domain: '', inputs: ['input_values', 'a_long_weight_name'], outputs: ['scaled_activation'], attributes: [] },
      { name: 'act', opType: 'Relu', domain: '', inputs: ['scaled_activation'], outputs: ['logits'], attributes: [] },
    ],
    initializers: [{ name: 'a_long_weight_name', dataType: 'float32', dims: [], data: Float32Array.of(2) }],
    inputs: [{ name: 'input_values', elemType: 'float32', shape: ['batch'] }],
    outputs: [{ name: 'logits', elemType: 'float32', shape: ['batch'] }],
    valueInfo: [{ name: 'scaled_activation', elemType: 'float32', shape: ['batch'] }],
  },
  metadata: {},
};

describe('compactTensorNames', () => {
  it('renames internal tensors to short ids in order of first use, keeping inputs, outputs and node names', () => {
    const { graph } = compactTensorNames(MODEL);
    expect(graph.nodes.map((n) => [n.name, n.inputs, n.outputs])).toEqual([
      ['scale', ['input_values', '0'], ['1']],
      ['act', ['1'], ['logits']],
    ]);
    expect(graph.initializers.map((t) => t.name)).toEqual(['0']);
    expect(graph.valueInfo.map((v) => v.name)).toEqual(['1']);
    expect(graph.inputs).toEqual(MODEL.graph.inputs);
    expect(graph.outputs).toEqual(MODEL.graph.outputs);
  });
});
