// Gemm in QDQ form: quantized A, per-channel int8 B (axis 0 when transB = 1), int32 bias; a graph-output result stays float.

import { findAttribute, intAttribute } from '../../onnx/attribute.ts';
import type { OpQuantizer } from './op-quantizer.ts';
import { quantizedOutput } from './op-quantizer.ts';

export const gemmQuantizer: OpQuantizer = {
  kind: 'compute',
  opType: 'Gemm',
  request(node, graph) {
    const [a, b, c] = node.inputs;
    if (a === undefined || b === undefined || !graph.isActivation(a) || graph.floatInitializer(b) === undefined) return undefined;
    // alpha/beta scale the accumulator and the bias; the int32 bias convention assumes both are 1.
    const alpha = findAttribute(node.attributes, 'alpha');
    const beta = findAttribute(node.attributes, 'beta');
    if ((alpha?.type === 'float' && alpha.value !== 1) || (beta?.type === 'float' && beta.value !== 1) || intAttribute(node.attributes, 'transA', 0) !== 0) return undefined;
    const outputs = intAttribute(node.attributes, 'transB', 0) === 1 ? 0 : 1;
    const bias = c !== undefined && c !== '' ? graph.floatInitializer(c) : undefined;
    const weight = graph.floatInitializer(b);
    // Per-channel bias needs one value per output column.
    const biasOk = bias !== undefined && weight !== undefined && bias.dims.length === 1 && bias.dims[0] === weight.dims[outputs];
    const output = quantizedOutput(node, graph);
    return {
      activations: output === undefined ? [a] : [a, output],
      weights: [{ tensor: b, axis: outputs }],
      biases: biasOk && c !== undefined ? [{ tensor: c, input: a, weight: b }] : [],
    };
  },
};
