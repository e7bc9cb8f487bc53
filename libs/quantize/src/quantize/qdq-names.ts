// Names of the tensors quantizeStatic adds, derived from the tensor they stand for and never clashing with existing ones.

import type { OnnxGraph } from '../onnx/onnx-model.ts';

type Role = 'q' | 'dq' | 'scale' | 'zp';

/**
 * `x` gets `x_q` (integer values), `x_dq` (the float copy readers use), `x_scale` and `x_zp`; a
 * suffix is added if the graph already has such a name (names are compacted afterwards, so a
 * clash would silently merge two tensors).
 */
export class QdqNames {
  private readonly taken: Set<string>;
  private readonly given = new Map<string, string>();

  constructor(graph: OnnxGraph) {
    this.taken = new Set([
      ...graph.inputs.map((i) => i.name),
      ...graph.outputs.map((o) => o.name),
      ...graph.initializers.map((t) => t.name),
      ...graph.nodes.flatMap((n) => [...n.inputs, ...n.outputs]),
    ]);
  }

  private name(tensor: string, role: Role): string {
    const key = `${role}\u0000${tensor}`;
    const known = this.given.get(key);
    if (known !== undefined) return known;
    let name = `${tensor}_${role}`;
    for (let i = 2; this.taken.has(name); i++) name = `${tensor}_${role}${i}`;
    this.taken.add(name);
    this.given.set(key, name);
    return name;
  }

  /** The int8/uint8 (or int32 bias) values of `tensor`. */
  quantized(tensor: string): string {
    return this.name(tensor, 'q');
  }

  /** The float copy of an activation that its readers use after QuantizeLinear -> DequantizeLinear. */
  dequantized(tensor: string): string {
    return this.name(tensor, 'dq');
  }

  scale(tensor: string): string {
    return this.name(tensor, 'scale');
  }

  zeroPoint(tensor: string): string {
    return this.name(tensor, 'zp');
  }
}
