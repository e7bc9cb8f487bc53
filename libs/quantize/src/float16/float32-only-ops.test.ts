// FLOAT32_ONLY_OPS agrees with python onnx's operator schemas at every opset 13-17.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { OnnxNode } from '../onnx/onnx-model.ts';
import { SYSTEM_PYTHON } from '../testing/onnx-test-utils.ts';
import { FLOAT32_ONLY_OPS, needsFloat32Input, producesFloat32Output } from './float32-only-ops.ts';

/** Per opset: ops with a float-but-not-float16 input/output position, as [inputs, outputs, #inputs, #outputs]; null: op not defined yet. */
const SCRIPT = `
import json
from onnx import defs
out = {}
names = sorted({s.name for s in defs.get_all_schemas() if s.domain == ''})
for v in range(13, 18):
    found = {}
    for op in names:
        try:
            s = defs.get_schema(op, v, '')
        except Exception:
            found[op] = None  # not defined yet at this opset
            continue
        if s.deprecated:
            continue
        bad = {c.type_param_str for c in s.type_constraints if 'tensor(float)' in c.allowed_type_strs and 'tensor(float16)' not in c.allowed_type_strs}
        only = lambda p: p.typeStr in bad or p.typeStr == 'tensor(float)'
        ins = [i for i, p in enumerate(s.inputs) if only(p)]
        outs = [i for i, p in enumerate(s.outputs) if only(p)]
        if ins or outs:
            found[op] = [ins, outs, len(s.inputs), len(s.outputs)]
    out[v] = found
print(json.dumps(out))
`;

const node = (opType: string): OnnxNode => ({ name: '', opType, domain: '', inputs: [], outputs: [], attributes: [] });

describe('FLOAT32_ONLY_OPS', () => {
  it('lists exactly the positions onnx 1.12 restricts to float, per opset', () => {
    const schemas = JSON.parse(execFileSync(SYSTEM_PYTHON, ['-c', SCRIPT], { encoding: 'utf8' })) as Record<string, Record<string, [number[], number[], number, number] | null>>;
    for (let opset = 13; opset <= 17; opset++) {
      const all = Object.entries(schemas[String(opset)] ?? {});
      const found = Object.fromEntries(all.filter((e): e is [string, [number[], number[], number, number]] => e[1] !== null));
      const undefinedOps = new Set(all.filter(([, v]) => v === null).map(([op]) => op));
      const actual: Record<string, [number[], number[]]> = {};
      for (const [op, [, , nIn, nOut]] of Object.entries(found)) {
        const range = (n: number) => Array.from({ length: n }, (_, i) => i);
        actual[op] = [range(nIn).filter((i) => needsFloat32Input(node(op), i, opset)), range(nOut).filter((i) => producesFloat32Output(node(op), i, opset))];
      }
      const expected = Object.fromEntries(Object.entries(found).map(([op, [ins, outs]]) => [op, [ins, outs]]));
      expect({ opset, positions: actual }).toEqual({ opset, positions: expected });
      // Nothing the schemas allow in float16 is held back (ops that do not exist at this opset aside).
      for (const op of Object.keys(FLOAT32_ONLY_OPS).filter((o) => found[o] === undefined && !undefinedOps.has(o))) {
        const restricted = [0, 1, 2, 3, 4, 5, 6].some((i) => needsFloat32Input(node(op), i, opset) || producesFloat32Output(node(op), i, opset));
        expect({ op, opset, restricted }).toEqual({ op, opset, restricted: false });
      }
    }
  });
});
