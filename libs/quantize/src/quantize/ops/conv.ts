// Conv in QDQ form: quantized input and (post-ReLU) output, per-channel int8 weight [O, I, kh, kw] on axis 0, int32 bias.

import type { OpQuantizer } from './op-quantizer.ts';
import { quantizedOutput } from './op-quantizer.ts';

export const convQuantizer: OpQuantizer = {
  kind: 'compute',
  opType: 'Conv',
  request(node, graph) {
    const [input, weight, bias] = node.inputs;
    // Only constant weights can be quantized offline; a Conv with a computed weight stays float.
    if (input === undefined || weight === undefined || !graph.isActivation(input) || graph.floatInitializer(weight) === undefined) return undefined;
    const output = quantizedOutput(node, graph);
    return {
      activations: output === undefined ? [input] : [input, output],
      weights: [{ tensor: weight, axis: 0 }],
      biases: bias !== undefined && bias !== '' && graph.floatInitializer(bias) !== undefined ? [{ tensor: bias, input, weight }] : [],
    };
  },
};
