// BatchNormalization: folded into the preceding linear Conv/Gemm when it is its only reader, else Mul + Add.

import { batchNormAffine, foldAffine } from '../fold-batch-norm.ts';
import { requireOption, singleInput, type LayerExporter } from '../layer-exporter.ts';

export const batchNormalizationExporter: LayerExporter = {
  className: 'BatchNormalization',
  export(ctx) {
    const { builder: b, layerName, config } = ctx;
    const input = singleInput(ctx);
    const rank = input.shape.length + 1;
    const axis = typeof config['axis'] === 'number' ? (config['axis'] as number) : -1;
    // Only the channel (last) axis maps onto a conv's output channels or a broadcast [C, 1, 1].
    requireOption(ctx, 'axis', axis === -1 || axis === rank - 1, `-1 (the channel axis, ${rank - 1} here)`);
    const affine = batchNormAffine({
      gamma: config['scale'] === false ? undefined : ctx.weight('gamma').data,
      beta: config['center'] === false ? undefined : ctx.weight('beta').data,
      movingMean: ctx.weight('moving_mean').data,
      movingVariance: ctx.weight('moving_variance').data,
      // tfjs' default; Keras configs always carry it, hand-built ones might not.
      epsilon: typeof config['epsilon'] === 'number' ? (config['epsilon'] as number) : 1e-3,
    });

    const producer = input.foldable;
    if (producer !== undefined && ctx.inputReaders === 1) {
      const weight = b.initializer(producer.weight);
      const bias = producer.bias === undefined ? undefined : b.initializer(producer.bias);
      if (weight?.dataType === 'float32' && (bias === undefined || bias.dataType === 'float32')) {
        const folded = foldAffine(weight.data, bias?.data, affine);
        b.replaceInitializer({ ...weight, data: folded.weight });
        let biasName = producer.bias;
        if (biasName === undefined) {
          biasName = b.addInitializer({ name: `${layerName}_bias`, dataType: 'float32', dims: [folded.bias.length], data: folded.bias });
          b.setProducerInput(input.name, producer.biasInput, biasName);
        } else b.replaceInitializer({ name: biasName, dataType: 'float32', dims: [folded.bias.length], data: folded.bias });
        return { ...input, foldable: { ...producer, bias: biasName } };
      }
    }

    // Standalone: broadcast per-channel constants ([C, 1, 1] against NCHW, [C] against channels-last).
    const channels = affine.scale.length;
    const dims = input.layout === 'nchw' ? [channels, 1, 1] : [channels];
    const scale = b.addInitializer({ name: `${layerName}_scale`, dataType: 'float32', dims, data: Float32Array.from(affine.scale) });
    const shift = b.addInitializer({ name: `${layerName}_shift`, dataType: 'float32', dims, data: Float32Array.from(affine.shift) });
    const scaled = b.add({ opType: 'Mul', name: `${layerName}_mul`, inputs: [input.name, scale] });
    return { name: b.add({ opType: 'Add', name: layerName, inputs: [scaled, shift] }), shape: input.shape, layout: input.layout };
  },
};
