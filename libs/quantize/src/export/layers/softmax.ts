// Softmax layer over the last (channel) axis -> ONNX Softmax on that axis.

import { intAttr } from '../../onnx/attribute.ts';
import { lastAxis } from '../activation.ts';
import { requireOption, singleInput, type LayerExporter } from '../layer-exporter.ts';

export const softmaxExporter: LayerExporter = {
  className: 'Softmax',
  export(ctx) {
    const input = singleInput(ctx);
    const axis = ctx.config['axis'] ?? -1;
    const rank = input.shape.length + 1;
    requireOption(ctx, 'axis', axis === -1 || axis === rank - 1, `-1 (the last axis, ${rank - 1} here)`);
    const name = ctx.builder.add({ opType: 'Softmax', name: ctx.layerName, inputs: [input.name], attributes: [intAttr('axis', lastAxis(input))] });
    return { name, shape: input.shape, layout: input.layout };
  },
};
