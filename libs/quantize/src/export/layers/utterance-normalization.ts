// Per-clip normalisation (@whittle/distill's UtteranceNormalization) -> ReduceMean over frames and Sub (+ variance, Sqrt, Div).

import { intAttr, intsAttr } from '../../onnx/attribute.ts';
import { requireOption, singleInput, type LayerExporter } from '../layer-exporter.ts';

export const utteranceNormalizationExporter: LayerExporter = {
  className: 'WhittleUtteranceNormalization',
  export(ctx) {
    const { builder: b, layerName: name } = ctx;
    const input = singleInput(ctx);
    requireOption(ctx, 'input shape', input.shape.length === 2 && input.layout === 'channels-last', '[batch, frames, bins] inputs', [null, ...input.shape]);
    const scale = ctx.config['scale'] === true;
    const epsilon = ctx.config['epsilon'];
    requireOption(ctx, 'epsilon', !scale || (typeof epsilon === 'number' && epsilon > 0), 'a number > 0');
    // Opsets 13-17 take ReduceMean's axes as an attribute (18 moved them to an input); axis 1 is the frames axis.
    const meanOverFrames = (x: string, node: string) => b.add({ opType: 'ReduceMean', name: node, inputs: [x], attributes: [intsAttr('axes', [1]), intAttr('keepdims', 1)] });
    const centred = b.add({ opType: 'Sub', name: scale ? `${name}_centred` : name, inputs: [input.name, meanOverFrames(input.name, `${name}_mean`)] });
    if (!scale) return { name: centred, shape: input.shape, layout: 'channels-last' };
    const variance = meanOverFrames(b.add({ opType: 'Mul', name: `${name}_square`, inputs: [centred, centred] }), `${name}_variance`);
    const eps = b.addInitializer({ name: `${name}_epsilon`, dataType: 'float32', dims: [], data: Float32Array.of(epsilon as number) });
    const deviation = b.add({ opType: 'Sqrt', name: `${name}_deviation`, inputs: [b.add({ opType: 'Add', name: `${name}_variance_eps`, inputs: [variance, eps] })] });
    return { name: b.add({ opType: 'Div', name, inputs: [centred, deviation] }), shape: input.shape, layout: 'channels-last' };
  },
};
