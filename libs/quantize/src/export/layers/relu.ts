// ReLU layer -> Relu, or Clip(0, maxValue) when the layer caps its output (ReLU6 and friends).

import { emitClip } from '../activation.ts';
import { requireOption, singleInput, type LayerExporter } from '../layer-exporter.ts';

export const reluExporter: LayerExporter = {
  className: 'ReLU',
  export(ctx) {
    const { builder: b, layerName, config } = ctx;
    const input = singleInput(ctx);
    const maxValue = config['maxValue'];
    requireOption(ctx, 'maxValue', maxValue === undefined || maxValue === null || typeof maxValue === 'number', 'null or a number');
    const name = typeof maxValue === 'number' ? emitClip(b, input.name, 0, maxValue, layerName) : b.add({ opType: 'Relu', name: layerName, inputs: [input.name] });
    return { name, shape: input.shape, layout: input.layout };
  },
};
