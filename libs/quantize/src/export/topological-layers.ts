// The layers of a tfjs model in an order where every layer comes after the layers it reads (branches included).

import type * as tf from '@tensorflow/tfjs';
import { UnsupportedError } from '@whittle/datasets';

type Layer = tf.LayersModel['layers'][number];

/**
 * Kahn's algorithm over the layer graph, preferring `model.layers` order among ready layers so a
 * sequential chain comes out unchanged. tfjs happens to list functional layers by depth already;
 * the exporter relies on this function rather than on that detail.
 */
export function topologicalLayers(model: tf.LayersModel): Layer[] {
  const layers = model.layers;
  const known = new Set(layers);
  const sources = new Map<Layer, Layer[]>(
    layers.map((layer) => [layer, layer.inboundNodes.flatMap((node) => node.inputTensors.map((t) => t.sourceLayer as Layer)).filter((s) => s !== layer && known.has(s))]),
  );
  const placed = new Set<Layer>();
  const order: Layer[] = [];
  while (order.length < layers.length) {
    const ready = layers.find((layer) => !placed.has(layer) && (sources.get(layer) ?? []).every((s) => placed.has(s)));
    if (ready === undefined) {
      const stuck = layers.filter((layer) => !placed.has(layer)).map((layer) => layer.name);
      throw new UnsupportedError(`Model '${model.name}' has a cycle among layers ${stuck.join(', ')}; the exporter needs an acyclic layer graph`);
    }
    placed.add(ready);
    order.push(ready);
  }
  return order;
}
