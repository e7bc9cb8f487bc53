// Add of two activations in QDQ form: both inputs and the (post-ReLU) output quantized, which onnxruntime fuses into QLinearAdd.

import type { OpQuantizer } from './op-quantizer.ts';
import { quantizedOutput } from './op-quantizer.ts';

export const addQuantizer: OpQuantizer = {
  kind: 'compute',
  opType: 'Add',
  request(node, graph) {
    const [a, b] = node.inputs;
    // An Add with a constant operand (a standalone batch norm's shift) has no integer kernel pattern; it stays float.
    if (a === undefined || b === undefined || !graph.isActivation(a) || !graph.isActivation(b)) return undefined;
    const output = quantizedOutput(node, graph);
    return { activations: output === undefined ? [a, b] : [a, b, output], weights: [], biases: [] };
  },
};
