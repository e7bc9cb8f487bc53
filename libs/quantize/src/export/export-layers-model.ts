// Export a tfjs LayersModel to an in-memory ONNX model, layer by layer through the exporter registry.

import type * as tf from '@tensorflow/tfjs';
import { UnsupportedError } from '@whittle/datasets';
import type { OnnxModel } from '../onnx/onnx-model.ts';
import { getLayerExporter } from '../registry.ts';
import { irVersionForOpset, resolveExportConfig, type ExportConfig } from './export-config.ts';
import { GraphBuilder } from './graph-builder.ts';
import type { ExportedValue, LayerWeight } from './layer-exporter.ts';
import { toChannelsLast } from './layout.ts';
import { topologicalLayers } from './topological-layers.ts';

type Layer = tf.LayersModel['layers'][number];

/** Static dims after the batch dimension, or an error naming what is dynamic. */
function staticShape(shape: readonly (number | null)[], what: string): number[] {
  const dims = shape.slice(1);
  if (dims.some((d) => d === null)) {
    throw new UnsupportedError(`${what} has shape [${shape.map(String).join(', ')}]; the exporter needs every dimension but the batch to be fixed`);
  }
  return dims as number[];
}

/** Weights keyed by their Keras name (the part after the layer scope, without tfjs' uniquifying suffix). */
function layerWeights(layer: Layer): Map<string, LayerWeight> {
  const weights = new Map<string, LayerWeight>();
  for (const variable of layer.weights) {
    const key = (variable.originalName.split('/').at(-1) ?? variable.originalName).replace(/_\d+$/, '');
    // read() hands back the variable's own tensor (no allocation); copy the values out of it.
    weights.set(key, { shape: [...variable.shape] as number[], data: new Float32Array(variable.read().dataSync() as Float32Array) });
  }
  return weights;
}

/**
 * Export `model` (single input, single output, layers from the registry) as an fp32 ONNX graph:
 * input `config.inputName` float32 [batch, ...inputShape], output `config.outputName` float32
 * [batch, ...outputShape]. Functional models with branches are walked in topological order.
 * Batch norms are folded, dropout removed, NHWC handled via NCHW Conv.
 * Allocates no tfjs tensors.
 *
 * @example
 * const onnx = exportLayersModel(model, DEFAULT_EXPORT_CONFIG);
 * await writeFile('model.onnx', encodeOnnxModel(onnx));
 */
export function exportLayersModel(model: tf.LayersModel, config: ExportConfig): OnnxModel {
  const resolved = resolveExportConfig(config);
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new UnsupportedError(`Model '${model.name}' has ${model.inputs.length} inputs and ${model.outputs.length} outputs; the exporter supports exactly one of each`);
  }
  const modelInput = model.inputs[0] as tf.SymbolicTensor;
  const modelOutput = model.outputs[0] as tf.SymbolicTensor;
  const inputShape = staticShape(modelInput.shape, `Input '${modelInput.name}'`);

  const b = new GraphBuilder();
  b.reserve(resolved.inputName, resolved.outputName);
  const values = new Map<number, ExportedValue>([[modelInput.id, { name: resolved.inputName, shape: inputShape, layout: 'channels-last' }]]);

  const readers = new Map<number, number>([[modelOutput.id, 1]]);
  for (const layer of model.layers) for (const node of layer.inboundNodes) for (const t of node.inputTensors) readers.set(t.id, (readers.get(t.id) ?? 0) + 1);

  // Branches (residual adds) mean a layer may read several earlier layers: visit producers first.
  for (const layer of topologicalLayers(model)) {
    const className = layer.getClassName();
    if (className === 'InputLayer') continue;
    const node = layer.inboundNodes[0];
    if (layer.inboundNodes.length !== 1 || node === undefined || node.outputTensors.length !== 1) {
      throw new UnsupportedError(`Layer '${layer.name}' (${className}) is called ${layer.inboundNodes.length} times or has several outputs; the exporter supports layers used once with one output`);
    }
    const exporter = getLayerExporter(className, layer.name);
    const inputs = node.inputTensors.map((t) => {
      const value = values.get(t.id);
      if (value === undefined) throw new UnsupportedError(`Layer '${layer.name}' reads '${t.name}', which no exported layer produced`);
      return value;
    });
    const output = node.outputTensors[0] as tf.SymbolicTensor;
    let weights: Map<string, LayerWeight> | undefined;
    const weight = (name: string): LayerWeight | undefined => (weights ??= layerWeights(layer)).get(name);
    const exported = exporter.export({
      builder: b,
      layerName: layer.name,
      className,
      config: layer.getConfig() as Record<string, unknown>,
      inputs,
      outputShape: staticShape(output.shape, `Output of layer '${layer.name}'`),
      inputReaders: readers.get(node.inputTensors[0]?.id ?? -1) ?? 0,
      hasWeight: (name) => weight(name) !== undefined,
      weight: (name) => {
        const w = weight(name);
        if (w === undefined) throw new UnsupportedError(`Layer '${layer.name}' (${className}) has no weight '${name}'; it has: ${[...(weights?.keys() ?? [])].join(', ')}`);
        return w;
      },
    });
    values.set(output.id, exported);
  }

  const last = values.get(modelOutput.id);
  if (last === undefined) throw new UnsupportedError(`Model '${model.name}': output '${modelOutput.name}' was not produced by any exported layer`);
  const final = toChannelsLast(b, last, `${resolved.outputName}_nhwc`);
  // A model that computes nothing still needs a node between its input and output names.
  const produced = final.name === resolved.inputName ? b.add({ opType: 'Identity', name: `${resolved.outputName}_identity`, inputs: [final.name] }) : final.name;
  b.renameTensor(produced, resolved.outputName);

  const { nodes, initializers } = b.finish();
  return {
    irVersion: irVersionForOpset(resolved.opset),
    opsetImports: [{ domain: '', version: resolved.opset }],
    producerName: resolved.producerName,
    producerVersion: resolved.producerVersion,
    docString: `tfjs layers model '${model.name}' exported by @whittle/quantize`,
    graph: {
      name: model.name,
      nodes,
      initializers,
      inputs: [{ name: resolved.inputName, elemType: 'float32', shape: ['batch', ...inputShape] }],
      outputs: [{ name: resolved.outputName, elemType: 'float32', shape: ['batch', ...final.shape] }],
      valueInfo: [],
    },
    metadata: { ...(resolved.metadata ?? {}) },
  };
}
