// withGraphOutputs exposes intermediate tensors as outputs without disturbing the original interface, and onnxruntime returns them.
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeOnnxModel } from '../proto/encode-onnx-model.ts';
import type { OnnxModel } from './onnx-model.ts';
import { withGraphOutputs } from './with-graph-outputs.ts';

const MODEL: OnnxModel = {
  irVersion: 7,
  opsetImports: [{ domain: '', version: 13 }],
  producerName: 't',
  producerVersion: '0',
  docString: '',
  graph: {
    name: 'g',
    nodes: [
      { name: 'scale', opType: 'Mul', domain: '', inputs: ['x', 'two'], outputs: ['scaled'], attributes: [] },
      { name: 'act', opType: 'Relu', domain: '', inputs: ['scaled'], outputs: ['y'], attributes: [] },
    ],
    initializers: [{ name: 'two', dataType: 'float32', dims: [], data: Float32Array.of(2) }],
    inputs: [{ name: 'x', elemType: 'float32', shape: ['batch', 3] }],
    outputs: [{ name: 'y', elemType: 'float32', shape: ['batch', 3] }],
    valueInfo: [],
  },
  metadata: {},
};

describe('withGraphOutputs', () => {
  it('appends each new tensor once, after the original outputs, and leaves the input model alone', () => {
    const augmented = withGraphOutputs(MODEL, ['scaled', 'y', 'scaled']);
    expect(augmented.graph.outputs).toEqual([MODEL.graph.outputs[0], { name: 'scaled', elemType: 'float32', shape: undefined }]);
    expect(MODEL.graph.outputs.map((o) => o.name)).toEqual(['y']);
    expect(augmented.graph.nodes).toBe(MODEL.graph.nodes);
  });

  it('makes onnxruntime return the intermediate tensor', async () => {
    const session = await ort.InferenceSession.create(encodeOnnxModel(withGraphOutputs(MODEL, ['scaled'])), { intraOpNumThreads: 1 });
    try {
      expect(session.outputNames).toEqual(['y', 'scaled']);
      const out = await session.run({ x: new ort.Tensor('float32', Float32Array.of(-1, 0.5, 2), [1, 3]) });
      expect(Array.from(out.scaled?.data as Float32Array)).toEqual([-2, 1, 4]);
      expect(Array.from(out.y?.data as Float32Array)).toEqual([0, 1, 4]);
    } finally {
      await session.release();
    }
  });
});
