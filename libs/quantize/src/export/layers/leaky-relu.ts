// LeakyReLU layer -> ONNX LeakyRelu with the layer's alpha (tfjs' default 0.3, not ONNX's 0.01).

import { floatAttr } from '../../onnx/attribute.ts';
import { requireOption, singleInput, type LayerExporter } from '../layer-exporter.ts';

/** tfjs' LeakyReLU default slope (Keras' too); ONNX's default of 0.01 would silently differ. */
const TFJS_DEFAULT_ALPHA = 0.3;

export const leakyReluExporter: LayerExporter = {
  className: 'LeakyReLU',
  export(ctx) {
    const input = singleInput(ctx);
    const alpha = ctx.config['alpha'] ?? TFJS_DEFAULT_ALPHA;
    requireOption(ctx, 'alpha', typeof alpha === 'number' && Number.isFinite(alpha), 'a finite number');
    const name = ctx.builder.add({ opType: 'LeakyRelu', name: ctx.layerName, inputs: [input.name], attributes: [floatAttr('alpha', alpha as number)] });
    return { name, shape: input.shape, layout: input.layout };
  },
};
