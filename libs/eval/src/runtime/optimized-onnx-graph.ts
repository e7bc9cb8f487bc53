// The graph onnxruntime actually runs after its optimizations (saved by the session, decoded by @whittle/quantize) and its op types.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeOnnxModel, type OnnxNode } from '@whittle/quantize';
import { openOnnxSession, type GraphOptimizationLevel } from './onnx-session.ts';

/** How many nodes of one (domain, op type) the optimized graph holds. */
export interface OpTypeCount {
  /** `com.microsoft.QLinearConv` for contrib ops, plain `Conv` for the default domain. */
  readonly opType: string;
  readonly count: number;
}

export interface OptimizedGraph {
  readonly optimization: GraphOptimizationLevel;
  readonly nodes: readonly Pick<OnnxNode, 'name' | 'opType' | 'domain'>[];
  /** Most frequent first, ties by name. */
  readonly opTypes: readonly OpTypeCount[];
}

/** `Conv`, or `com.microsoft.QLinearConv` for a node outside the default domain. */
export function qualifiedOpType(node: { opType: string; domain: string }): string {
  return node.domain === '' || node.domain === 'ai.onnx' ? node.opType : `${node.domain}.${node.opType}`;
}

/**
 * Open the model at `path` with `optimization` (default 'all'), let onnxruntime save the graph it
 * will run, and list that graph's nodes and op types: this is how to see whether a QDQ pair around a
 * Conv became one QLinearConv or stayed DequantizeLinear + Conv + QuantizeLinear.
 * The session's threads matter little, but some layout passes depend on them, so pass the count you measure with.
 * @example (await optimizedOnnxGraph('onnx/model_int8.onnx', { threads: 1 })).opTypes
 */
export async function optimizedOnnxGraph(path: string, options: { threads: number; optimization?: GraphOptimizationLevel }): Promise<OptimizedGraph> {
  const optimization = options.optimization ?? 'all';
  const dir = await mkdtemp(join(tmpdir(), 'whittle-optimized-'));
  try {
    const file = join(dir, 'optimized.onnx');
    const session = await openOnnxSession(path, options.threads, { optimization, optimizedModelFilePath: file });
    await session.release();
    const nodes = decodeOnnxModel(await readFile(file), `optimized graph of ${path}`).graph.nodes.map((n) => ({ name: n.name, opType: n.opType, domain: n.domain }));
    const counts = new Map<string, number>();
    for (const n of nodes) counts.set(qualifiedOpType(n), (counts.get(qualifiedOpType(n)) ?? 0) + 1);
    const opTypes = [...counts].map(([opType, count]) => ({ opType, count })).sort((a, b) => b.count - a.count || a.opType.localeCompare(b.opType));
    return { optimization, nodes, opTypes };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
