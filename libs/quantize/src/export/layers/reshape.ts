// Reshape -> ONNX Reshape on tfjs-ordered data; a one-channel image result goes straight to NCHW.

import { singleInput, type LayerExporter } from '../layer-exporter.ts';
import { reshapeTo, toChannelsLast } from '../layout.ts';

export const reshapeExporter: LayerExporter = {
  className: 'Reshape',
  export(ctx) {
    const { builder: b, layerName, outputShape } = ctx;
    const input = toChannelsLast(b, singleInput(ctx), `${layerName}_nhwc`);
    const [h, w, c] = outputShape as [number, number, number];
    // [frames, bins] -> [frames, bins, 1] is the DS-CNN's first layer: with one channel the NCHW
    // tensor [N, 1, frames, bins] has the same element order, so one Reshape lands in Conv's layout.
    if (outputShape.length === 3 && c === 1) return { name: reshapeTo(b, input.name, [1, h, w], layerName), shape: outputShape, layout: 'nchw' };
    return { name: reshapeTo(b, input.name, outputShape, layerName), shape: outputShape, layout: 'channels-last' };
  },
};
