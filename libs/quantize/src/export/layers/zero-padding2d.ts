// ZeroPadding2D -> ONNX Pad (constant 0) on the image's height and width, in whichever layout the input already has.

import { imageInput, requireOption, type LayerExportContext, type LayerExporter } from '../layer-exporter.ts';

/** [[top, bottom], [left, right]] from tfjs' config (it normalises number and [h, w] forms to this). */
function paddingOf(ctx: LayerExportContext): [[number, number], [number, number]] {
  const padding = ctx.config['padding'];
  const isPair = (p: unknown): p is [number, number] => Array.isArray(p) && p.length === 2 && p.every((v) => Number.isInteger(v) && (v as number) >= 0);
  const ok = Array.isArray(padding) && padding.length === 2 && padding.every(isPair);
  requireOption(ctx, 'padding', ok, '[[top, bottom], [left, right]] of non-negative integers');
  return padding as [[number, number], [number, number]];
}

export const zeroPadding2dExporter: LayerExporter = {
  className: 'ZeroPadding2D',
  export(ctx) {
    const { builder: b, layerName, config } = ctx;
    requireOption(ctx, 'dataFormat', config['dataFormat'] === undefined || config['dataFormat'] === 'channelsLast', "'channelsLast'");
    const input = imageInput(ctx);
    const [[top, bottom], [left, right]] = paddingOf(ctx);
    // ONNX pads list every axis's begin, then every axis's end; padding in place avoids a Transpose.
    const pads = input.layout === 'nchw' ? [0, 0, top, left, 0, 0, bottom, right] : [0, top, left, 0, 0, bottom, right, 0];
    const padsName = b.addInitializer({ name: `${layerName}_pads`, dataType: 'int64', dims: [8], data: BigInt64Array.from(pads, (p) => BigInt(p)) });
    // mode 'constant' and value 0 are Pad's defaults.
    const name = b.add({ opType: 'Pad', name: layerName, inputs: [input.name, padsName] });
    return { name, shape: ctx.outputShape, layout: input.layout };
  },
};
