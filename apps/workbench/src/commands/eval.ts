// `whittle eval`: evaluate every variant of a published model on any Speech Commands-layout folder.

import { access, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BadFileError, KWS_LABELS, resolveFrontEndConfig, WhittleError } from '@whittle/datasets';
import { evaluateVariants, renderReportMarkdown, buildComparisonReport, type VariantSpec } from '@whittle/eval';
import { defineCommand } from '../cli/command.ts';
import { PUBLISHED_ONNX_FILES } from '../pipeline/onnx-files.ts';
import { normalized, speechIndex, splitFeatures } from '../pipeline/speech-features.ts';
import { QUIET_OPTION } from './common-options.ts';

/** Variant id for each file name transformers.js uses (the ids the report and manifest use). */
const VARIANT_FILES: Readonly<Record<string, string>> = Object.fromEntries(PUBLISHED_ONNX_FILES.map((f) => [f.file, f.id]));

async function readJson(path: string): Promise<Record<string, unknown>> {
  const text = await readFile(path, 'utf8').catch(() => {
    throw new BadFileError(path, 'missing', 'point --model at a published model directory (models/<name>/<version>)');
  });
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new BadFileError(path, `not valid JSON: ${(err as Error).message}`);
  }
}

/** The training seed a published model records (manifest.json training.config.seed), else 0. */
async function trainingSeed(modelDir: string): Promise<number> {
  const manifest = await readFile(join(modelDir, 'manifest.json'), 'utf8').then((t) => JSON.parse(t) as { training?: { config?: { seed?: unknown } } }, () => undefined);
  const seed = manifest?.training?.config?.seed;
  return typeof seed === 'number' && Number.isInteger(seed) ? seed : 0;
}

export const evalCommand = defineCommand({
  spec: {
    name: 'eval',
    summary: 'Evaluate every variant of a published model on a Speech Commands-layout folder',
    usage: 'whittle eval --model <published dir> --data <dir> [--json]',
    options: {
      model: { kind: 'string', description: 'published model directory (contains onnx/, config.json, preprocessor_config.json)' },
      data: { kind: 'string', description: 'folder in the Speech Commands layout; its test split, or every clip when it has no testing_list.txt' },
      json: { kind: 'boolean', description: 'print the result as JSON on stdout' },
      'latency-runs': { kind: 'number', description: 'batch-1 timing runs per variant (0 skips latency)', default: 100, integer: true },
      cache: { kind: 'string', description: 'feature cache directory', default: '.cache/features' },
      seed: { kind: 'number', description: "seed choosing the balanced _unknown_ clips and _silence_ windows; default: the model's training seed (manifest.json), so the training folder gives the report's test split", integer: true },
      quiet: QUIET_OPTION,
    },
    examples: ['whittle eval --model models/keyword-spotter/0.1.0 --data ~/speech_commands_v0.02 --json'],
  },
  async run(o, _p, io) {
    if (o.model === undefined) throw new WhittleError('INVALID_ARGUMENT', "Flag '--model' is required", { hint: 'whittle eval --model models/keyword-spotter/<version> --data <dir>' });
    if (o.data === undefined) throw new WhittleError('INVALID_ARGUMENT', "Flag '--data' is required", { hint: 'a folder in the Speech Commands layout' });
    const modelDir = o.model;
    const config = await readJson(join(modelDir, 'config.json'));
    const pre = await readJson(join(modelDir, 'preprocessor_config.json'));
    const id2label = config['id2label'] as Record<string, string> | undefined;
    if (id2label === undefined) throw new BadFileError(join(modelDir, 'config.json'), "expected an 'id2label' object");
    const labels = Object.keys(id2label).sort((a, b) => Number(a) - Number(b)).map((k) => id2label[k] as string);
    if (labels.join() !== KWS_LABELS.join()) {
      throw new BadFileError(join(modelDir, 'config.json'), `labels ${labels.join(',')} differ from the Speech Commands keyword labels ${KWS_LABELS.join(',')}`);
    }
    const frontEnd = resolveFrontEndConfig({ numMelBins: Number(pre['num_mel_bins']), frames: Number(pre['max_length']) });
    const norm = { mean: Number(pre['mean']), std: Number(pre['std']) };

    const seed = o.seed ?? (await trainingSeed(modelDir));

    const hasTestList = await access(join(o.data, 'testing_list.txt')).then(() => true, () => false);
    const entries = await speechIndex(o.data, { allClipsAsTest: !hasTestList, seed });
    const raw = await splitFeatures(entries, 'testing', frontEnd, { cacheDir: o.cache as string, reporter: io.reporter });
    const test = normalized(raw, norm);
    if (test.count === 0) throw new WhittleError('NOT_FOUND', `No test clips found in ${o.data}`);

    const files = await readdir(join(modelDir, 'onnx')).catch(() => [] as string[]);
    const variants: VariantSpec[] = files.filter((f) => VARIANT_FILES[f] !== undefined).map((f) => ({ id: VARIANT_FILES[f] as string, kind: 'onnx', path: join(modelDir, 'onnx', f) }));
    if (variants.length === 0) throw new BadFileError(join(modelDir, 'onnx'), `no ONNX variants (${Object.keys(VARIANT_FILES).join(', ')})`);
    const reports = await evaluateVariants(variants, test, labels, { latencyRuns: o['latency-runs'] ?? 100, latencyWarmup: 10, threads: 1, reporter: io.reporter });
    const result = {
      model: modelDir,
      data: o.data,
      split: hasTestList ? 'testing' : 'all',
      clips: test.count,
      // The content hash of the evaluated clips: equal to the report's when the test split is the same.
      testSet: { seed, featureKey: (raw as { key?: string }).key ?? null },
      variants: Object.fromEntries(
        reports.map((r) => [
          r.id,
          { accuracy: r.metrics.accuracy, perClassRecall: r.metrics.perClassRecall, sizeBytes: r.sizeBytes, latencyP50Ms: r.latency?.p50 ?? null, latencyP95Ms: r.latency?.p95 ?? null, agreementWithFp32: r.agreementWithBaseline?.topOne ?? null },
        ]),
      ),
    };
    if (o.json) io.stdout(JSON.stringify(result, null, 2));
    else io.stdout(renderReportMarkdown(buildComparisonReport({ title: `${modelDir} on ${o.data}`, variants: reports, classNames: labels, dataset: { dir: o.data, split: result.split, clips: test.count } })));
  },
});
