// The pooling window shared by MaxPooling2D and AveragePooling2D, with TF 'same' padding made explicit.

import { intAttr, intsAttr } from '../../onnx/attribute.ts';
import { imageInput, pair, requireOption, type ExportedValue, type LayerExportContext } from '../layer-exporter.ts';
import { toNchw } from '../layout.ts';
import { convPads } from '../same-padding.ts';

/** Shared by both pooling exporters: only the op type and AveragePool's pad counting differ. */
export function emitPool(ctx: LayerExportContext, opType: 'MaxPool' | 'AveragePool'): ExportedValue {
  const { builder: b, layerName, config } = ctx;
  requireOption(ctx, 'dataFormat', config['dataFormat'] === undefined || config['dataFormat'] === 'channelsLast', "'channelsLast'");
  requireOption(ctx, 'padding', config['padding'] === 'same' || config['padding'] === 'valid', "'same', 'valid'");
  const input = toNchw(b, imageInput(ctx), `${layerName}_nchw`);
  const kernel = pair(config['poolSize'], 2);
  const strides = pair(config['strides'] ?? config['poolSize'], 2);
  const pads = convPads(config['padding'] as 'same' | 'valid', [input.shape[0] as number, input.shape[1] as number], kernel, strides);
  const attributes = [intsAttr('kernel_shape', kernel), intsAttr('pads', pads), intsAttr('strides', strides)];
  // TF averages over the window's in-bounds elements only, which is ONNX's count_include_pad = 0.
  if (opType === 'AveragePool') attributes.push(intAttr('count_include_pad', 0));
  return { name: b.add({ opType, name: layerName, inputs: [input.name], attributes }), shape: ctx.outputShape, layout: 'nchw' };
}
