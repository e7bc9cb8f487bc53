// The exported ONNX fp32 graph against tfjs: the same logits within the exporter's tolerance and the same top-1 on every clip.

import { WhittleError } from '@whittle/datasets';

/** Parity of the exported fp32 graph against tfjs on a set of clips. */
export interface ParityResult {
  readonly clips: number;
  readonly maxAbsLogitDiff: number;
  readonly topOneAgreement: number;
}

/** The tolerance the exporter promises: every test clip's logits within 1e-4 and the same top-1. */
export const PARITY_TOLERANCE = 1e-4;

/** Largest |a - b| over all logits, and the share of clips (rows of `numClasses` logits) with the same top-1. */
export function compareLogits(a: Float32Array, b: Float32Array, numClasses: number): ParityResult {
  let maxAbs = 0;
  let agree = 0;
  const clips = a.length / numClasses;
  for (let i = 0; i < clips; i++) {
    let ia = 0;
    let ib = 0;
    for (let c = 0; c < numClasses; c++) {
      const k = i * numClasses + c;
      maxAbs = Math.max(maxAbs, Math.abs((a[k] as number) - (b[k] as number)));
      if ((a[k] as number) > (a[i * numClasses + ia] as number)) ia = c;
      if ((b[k] as number) > (b[i * numClasses + ib] as number)) ib = c;
    }
    if (ia === ib) agree++;
  }
  return { clips, maxAbsLogitDiff: maxAbs, topOneAgreement: clips ? agree / clips : 1 };
}

/**
 * Compare tfjs's logits with the exported graph's on the same clips, and throw (a NUMERIC WhittleError naming `subject`)
 * when they differ beyond PARITY_TOLERANCE or disagree on any top-1: every later figure would measure an export bug.
 *
 * @example checkExportParity(tfjsLogits, await onnxLogits(fp32Bytes, test, 12), 12, "ONNX export of role 'without-espeak'")
 */
export function checkExportParity(tfjsLogits: Float32Array, onnxLogits: Float32Array, numClasses: number, subject = 'ONNX export'): ParityResult {
  const parity = compareLogits(tfjsLogits, onnxLogits, numClasses);
  if (parity.maxAbsLogitDiff > PARITY_TOLERANCE || parity.topOneAgreement < 1) {
    throw new WhittleError('NUMERIC', `${subject} does not match tfjs: max |Δlogit| ${parity.maxAbsLogitDiff} (allowed ${PARITY_TOLERANCE}), top-1 agreement ${parity.topOneAgreement}`, {
      hint: 'this is an exporter bug; rerun with WHITTLE_DEBUG=1 and report the model config',
    });
  }
  return parity;
}
