// Rename a graph's internal tensors to short ids: in a 20k-parameter model, descriptive names are ~15% of the file.

import type { OnnxGraph, OnnxModel } from './onnx-model.ts';

/** Short ids '0', '1', ..., 'a', ..., '10', ... (base 36), skipping any name that must be kept. */
function* shortIds(taken: ReadonlySet<string>): Generator<string> {
  for (let i = 0; ; i++) {
    const id = i.toString(36);
    if (!taken.has(id)) yield id;
  }
}

/**
 * Every tensor except the graph's inputs and outputs gets a short id, in order of first use, so
 * the result is deterministic. Node names are kept, so each layer stays findable by its name
 * (e.g. node 'pw_1' is still the first pointwise conv); only the edges are renamed.
 */
export function compactTensorNames(model: OnnxModel): OnnxModel {
  const { graph } = model;
  const keep = new Set([...graph.inputs.map((i) => i.name), ...graph.outputs.map((o) => o.name)]);
  const ids = shortIds(keep);
  const renamed = new Map<string, string>();
  const rename = (name: string): string => {
    if (name === '' || keep.has(name)) return name;
    let id = renamed.get(name);
    if (id === undefined) {
      id = ids.next().value as string;
      renamed.set(name, id);
    }
    return id;
  };
  const nodes = graph.nodes.map((n) => ({ ...n, inputs: n.inputs.map(rename), outputs: n.outputs.map(rename) }));
  const compacted: OnnxGraph = {
    ...graph,
    nodes,
    initializers: graph.initializers.map((t) => ({ ...t, name: rename(t.name) })),
    inputs: graph.inputs.filter((i) => keep.has(i.name) || renamed.has(i.name)).map((i) => ({ ...i, name: rename(i.name) })),
    valueInfo: graph.valueInfo.map((v) => ({ ...v, name: rename(v.name) })),
  };
  return { ...model, graph: compacted };
}
