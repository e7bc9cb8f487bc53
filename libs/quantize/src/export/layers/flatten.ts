// Flatten -> ONNX Flatten(axis 1) after restoring tfjs' NHWC element order (NCHW would flatten C first).

import { intAttr } from '../../onnx/attribute.ts';
import { requireOption, singleInput, type LayerExporter } from '../layer-exporter.ts';
import { toChannelsLast } from '../layout.ts';

export const flattenExporter: LayerExporter = {
  className: 'Flatten',
  export(ctx) {
    const { builder: b, layerName, config } = ctx;
    requireOption(ctx, 'dataFormat', config['dataFormat'] === undefined || config['dataFormat'] === null || config['dataFormat'] === 'channelsLast', "'channelsLast'");
    const input = singleInput(ctx);
    if (input.shape.length === 1) return { name: input.name, shape: input.shape, layout: 'channels-last' };
    const nhwc = toChannelsLast(b, input, `${layerName}_nhwc`);
    const name = b.add({ opType: 'Flatten', name: layerName, inputs: [nhwc.name], attributes: [intAttr('axis', 1)] });
    return { name, shape: ctx.outputShape, layout: 'channels-last' };
  },
};
