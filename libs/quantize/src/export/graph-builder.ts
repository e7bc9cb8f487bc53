// Accumulates the nodes and initializers of a graph under construction, with unique names.

import { WhittleError } from '@whittle/datasets';
import type { OnnxAttribute, OnnxNode, OnnxTensor } from '../onnx/onnx-model.ts';

interface MutableNode {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: OnnxAttribute[];
}

export interface NodeSpec {
  readonly opType: string;
  /** Base for the node name (made unique among nodes); also names the output unless `outputs` is given. */
  readonly name: string;
  readonly inputs: readonly string[];
  readonly outputs?: readonly string[];
  readonly attributes?: readonly OnnxAttribute[];
  readonly domain?: string;
}

/**
 * Nodes are kept in insertion order, which is topological because exporters only consume tensors
 * that already exist. Initializers may be replaced (batch-norm folding rewrites a conv's weights).
 */
export class GraphBuilder {
  private readonly nodes: MutableNode[] = [];
  private readonly initializers = new Map<string, OnnxTensor>();
  // ONNX keeps node names and tensor names in separate namespaces; so do we.
  private readonly tensorNames = new Set<string>();
  private readonly nodeNames = new Set<string>();

  /** Reserve tensor names that must not be reused (graph input and output). */
  reserve(...names: string[]): void {
    for (const name of names) this.tensorNames.add(name);
  }

  /** `base`, or `base_2`, `base_3`, ... whichever tensor name is still free. */
  uniqueName(base: string): string {
    return GraphBuilder.claim(this.tensorNames, base);
  }

  private static claim(taken: Set<string>, base: string): string {
    let name = base;
    for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
    taken.add(name);
    return name;
  }

  /** Add an initializer under a unique name derived from `tensor.name`; returns the name used. */
  addInitializer(tensor: OnnxTensor): string {
    const name = this.uniqueName(tensor.name);
    this.initializers.set(name, { ...tensor, name });
    return name;
  }

  initializer(name: string): OnnxTensor | undefined {
    return this.initializers.get(name);
  }

  /** Swap an existing initializer's contents (same name). */
  replaceInitializer(tensor: OnnxTensor): void {
    if (!this.initializers.has(tensor.name)) throw new WhittleError('INVALID_ARGUMENT', `replaceInitializer: no initializer named '${tensor.name}'`);
    this.initializers.set(tensor.name, tensor);
  }

  /** Append a node; returns its output names (one per `outputs`, or a single one named after the node). */
  addNode(spec: NodeSpec): string[] {
    const name = GraphBuilder.claim(this.nodeNames, spec.name);
    const outputs = (spec.outputs ?? [spec.name]).map((o) => this.uniqueName(o));
    this.nodes.push({ name, opType: spec.opType, domain: spec.domain ?? '', inputs: [...spec.inputs], outputs, attributes: [...(spec.attributes ?? [])] });
    return outputs;
  }

  /** Convenience for the common single-output node. */
  add(spec: NodeSpec): string {
    return this.addNode(spec)[0] as string;
  }

  /** Set input `index` of the node producing `tensor` (e.g. give a bias-free conv its folded bias). */
  setProducerInput(tensor: string, index: number, input: string): void {
    const node = this.nodes.find((n) => n.outputs.includes(tensor));
    if (node === undefined) throw new WhittleError('INVALID_ARGUMENT', `setProducerInput: no node produces '${tensor}'`);
    while (node.inputs.length < index) node.inputs.push('');
    node.inputs[index] = input;
  }

  /** Rename a tensor everywhere it appears (used to give the final value the configured output name). */
  renameTensor(from: string, to: string): void {
    for (const node of this.nodes) {
      node.inputs = node.inputs.map((i) => (i === from ? to : i));
      node.outputs = node.outputs.map((o) => (o === from ? to : o));
    }
  }

  finish(): { nodes: OnnxNode[]; initializers: OnnxTensor[] } {
    const used = new Set(this.nodes.flatMap((n) => n.inputs));
    return {
      nodes: this.nodes.map((n) => Object.freeze({ ...n, inputs: [...n.inputs], outputs: [...n.outputs], attributes: [...n.attributes] })),
      // Initializers superseded by folding are dropped, so the file holds only what the graph reads.
      initializers: [...this.initializers.values()].filter((t) => used.has(t.name)),
    };
  }
}
