// Concatenate (two or more inputs along one axis) -> ONNX Concat, with tfjs' channels-last axis mapped onto NCHW images.

import { intAttr } from '../../onnx/attribute.ts';
import { requireOption, type LayerExporter } from '../layer-exporter.ts';
import { toChannelsLast, toNchw } from '../layout.ts';

/** tfjs axis of an [N, H, W, C] image -> the same axis of its NCHW tensor. */
const NHWC_TO_NCHW_AXIS = [0, 2, 3, 1] as const;

export const concatenateExporter: LayerExporter = {
  className: 'Concatenate',
  export(ctx) {
    const { builder: b, layerName, inputs, outputShape, config } = ctx;
    requireOption(ctx, 'inputs', inputs.length >= 2, 'two or more inputs', inputs.length);
    const rank = outputShape.length + 1;
    const raw = config['axis'] ?? -1;
    const axis = raw === -1 ? rank - 1 : typeof raw === 'number' && Number.isInteger(raw) ? raw : Number.NaN;
    // Axis 0 is the batch, which is dynamic. Other negative axes are refused because tfjs runs every
    // negative axis as the last one (K.concatenate) while shaping the output by the axis asked for.
    requireOption(ctx, 'axis', axis >= 1 && axis < rank, `-1 or an axis in 1..${rank - 1} (not the batch axis 0; tfjs computes other negative axes as -1)`, raw);
    requireOption(ctx, 'input ranks', inputs.every((v) => v.shape.length === outputShape.length), `all rank ${rank}, like the output`, inputs.map((v) => v.shape.length + 1));
    // Like Add: images already in NCHW (conv outputs) stay there, so a channel concat feeding a conv adds no Transpose.
    const nchw = rank === 4 && inputs.some((v) => v.layout === 'nchw');
    const values = inputs.map((v, i) => (nchw ? toNchw(b, v, `${layerName}_in${i}_nchw`) : toChannelsLast(b, v, `${layerName}_in${i}_nhwc`)));
    const onnxAxis = nchw ? NHWC_TO_NCHW_AXIS[axis as 1 | 2 | 3] : axis;
    const name = b.add({ opType: 'Concat', name: layerName, inputs: values.map((v) => v.name), attributes: [intAttr('axis', onnxAxis)] });
    return { name, shape: outputShape, layout: nchw ? 'nchw' : 'channels-last' };
  },
};
