// Averaging pools in QDQ form: input and output quantized with their own ranges (QLinearGlobalAveragePool, QLinearAveragePool).

import type { OpQuantizer } from './op-quantizer.ts';
import { quantizedOutput } from './op-quantizer.ts';

function averagingPool(opType: string): OpQuantizer {
  return {
    kind: 'compute',
    opType,
    request(node, graph) {
      const input = node.inputs[0];
      if (input === undefined || !graph.isActivation(input)) return undefined;
      const output = quantizedOutput(node, graph);
      return { activations: output === undefined ? [input] : [input, output], weights: [], biases: [] };
    },
  };
}

export const globalAveragePoolQuantizer = averagingPool('GlobalAveragePool');
export const averagePoolQuantizer = averagingPool('AveragePool');
