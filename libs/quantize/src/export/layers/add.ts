// Add (two or more inputs, numpy broadcasting) -> a chain of ONNX Add nodes in one shared layout.

import type { LayerExporter } from '../layer-exporter.ts';
import { requireOption } from '../layer-exporter.ts';
import { toChannelsLast, toNchw } from '../layout.ts';

export const addExporter: LayerExporter = {
  className: 'Add',
  export(ctx) {
    const { builder: b, layerName, inputs, outputShape } = ctx;
    requireOption(ctx, 'inputs', inputs.length >= 2, 'two or more inputs', inputs.length);
    // tfjs reshapes inputs of lower rank before broadcasting; equal ranks map straight onto ONNX broadcasting.
    requireOption(ctx, 'input ranks', inputs.every((v) => v.shape.length === outputShape.length), `all rank ${outputShape.length + 1}, like the output`, inputs.map((v) => v.shape.length + 1));
    // Images already in NCHW (conv outputs) stay there, so a [T, 1, C] branch broadcasts as [C, T, 1]
    // against [C, T, F] with no Transpose; otherwise everything is in tfjs order.
    const nchw = outputShape.length === 3 && inputs.some((v) => v.layout === 'nchw');
    const values = inputs.map((v, i) => (nchw ? toNchw(b, v, `${layerName}_in${i}_nchw`) : toChannelsLast(b, v, `${layerName}_in${i}_nhwc`)));
    let sum = (values[0] as (typeof values)[number]).name;
    for (const value of values.slice(1)) sum = b.add({ opType: 'Add', name: layerName, inputs: [sum, value.name] });
    return { name: sum, shape: outputShape, layout: nchw ? 'nchw' : 'channels-last' };
  },
};
