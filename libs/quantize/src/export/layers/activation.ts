// Activation layer ('relu', 'sigmoid', 'softmax', ...) -> the matching ONNX node.

import { emitActivation } from '../activation.ts';
import { singleInput, type LayerExporter } from '../layer-exporter.ts';

export const activationExporter: LayerExporter = {
  className: 'Activation',
  export(ctx) {
    const input = singleInput(ctx);
    // Drop `foldable`: a batch norm after a non-linearity must not fold into the conv before it.
    return emitActivation(ctx.builder, { name: input.name, shape: input.shape, layout: input.layout }, ctx.config['activation'], ctx.layerName, `layer '${ctx.layerName}'`);
  },
};
