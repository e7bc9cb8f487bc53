// Dense -> ONNX Gemm with transB = 1 (weight [out, in], output channels on axis 0 for per-channel quantization).

import { floatAttr, intAttr } from '../../onnx/attribute.ts';
import { emitActivation } from '../activation.ts';
import { denseKernelToOutIn } from '../kernel-layout.ts';
import { requireOption, singleInput, type ExportedValue, type LayerExporter } from '../layer-exporter.ts';

export const denseExporter: LayerExporter = {
  className: 'Dense',
  export(ctx) {
    const { builder: b, layerName, config } = ctx;
    const input = singleInput(ctx);
    // Gemm is 2-D; tfjs Dense on [batch, t, features] would need MatMul over the last axis.
    requireOption(ctx, 'input shape', input.shape.length === 1, 'rank-2 [batch, features] inputs', [null, ...input.shape]);
    const kernel = ctx.weight('kernel');
    const [inputs, units] = kernel.shape as [number, number];
    const weight = b.addInitializer({ name: `${layerName}_weight`, dataType: 'float32', dims: [units, inputs], data: denseKernelToOutIn(kernel.data, kernel.shape) });
    const gemmInputs = [input.name, weight];
    let bias: string | undefined;
    if (config['useBias'] !== false && ctx.hasWeight('bias')) {
      bias = b.addInitializer({ name: `${layerName}_bias`, dataType: 'float32', dims: [units], data: ctx.weight('bias').data });
      gemmInputs.push(bias);
    }
    // alpha/beta spelled out although they default to 1: onnxruntime's QDQ Gemm fusion reads `beta` from the node.
    const gemm = b.add({ opType: 'Gemm', name: layerName, inputs: gemmInputs, attributes: [floatAttr('alpha', 1), floatAttr('beta', 1), intAttr('transB', 1)] });
    const activation = config['activation'] ?? 'linear';
    const linear: ExportedValue = { name: gemm, shape: ctx.outputShape, layout: 'channels-last', ...(activation === 'linear' ? { foldable: { weight, bias, biasInput: 2 } } : {}) };
    return emitActivation(b, linear, activation, `${layerName}_${String(activation)}`, `layer '${layerName}'`);
  },
};
