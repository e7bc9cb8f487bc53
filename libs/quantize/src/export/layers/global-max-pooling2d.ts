// GlobalMaxPooling2D -> GlobalMaxPool ([N, C, 1, 1]) + Flatten to tfjs' [N, C].

import { intAttr } from '../../onnx/attribute.ts';
import { imageInput, requireOption, type LayerExporter } from '../layer-exporter.ts';
import { toNchw } from '../layout.ts';

export const globalMaxPooling2dExporter: LayerExporter = {
  className: 'GlobalMaxPooling2D',
  export(ctx) {
    const { builder: b, layerName, config } = ctx;
    requireOption(ctx, 'dataFormat', config['dataFormat'] === undefined || config['dataFormat'] === 'channelsLast', "'channelsLast'");
    const input = toNchw(b, imageInput(ctx), `${layerName}_nchw`);
    const pooled = b.add({ opType: 'GlobalMaxPool', name: layerName, inputs: [input.name] });
    const name = b.add({ opType: 'Flatten', name: `${layerName}_flat`, inputs: [pooled], attributes: [intAttr('axis', 1)] });
    return { name, shape: ctx.outputShape, layout: 'channels-last' };
  },
};
