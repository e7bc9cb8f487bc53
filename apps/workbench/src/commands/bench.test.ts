// `whittle bench train`: flags, --help, errors and the JSON it prints, on a model small enough to train in seconds.
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SILENT_REPORTER } from '@whittle/datasets';
import { MODEL_REGISTRY } from '@whittle/distill';
import { main } from '../main.ts';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function run(argv: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err.push(String(chunk));
    return true;
  });
  process.exitCode = undefined;
  try {
    await main(argv, { stdout: (t) => void out.push(t), reporter: SILENT_REPORTER });
  } finally {
    spy.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { code, stdout: out.join('\n'), stderr: err.join('') };
}

// 20x8 inputs and 64 samples: two epochs of DS-CNN-S take well under a second on wasm.
const TINY = ['--samples', '64', '--batch-size', '32', '--frames', '20', '--bins', '8', '--backend', 'wasm'];

describe('whittle bench train', () => {
  afterEach(() => {
    process.exitCode = undefined;
  });

  describe('--json on a tiny shape', () => {
    let result: Run;
    beforeAll(async () => {
      result = await run(['bench', 'train', '--json', ...TINY]);
    });

    it('exits 0 and prints exactly the keys the PyTorch reference prints (bar threads/workers)', () => {
      expect(result.code, result.stderr).toBe(0);
      const numbers = JSON.parse(result.stdout) as Record<string, unknown>;
      expect(Object.keys(numbers).sort()).toEqual(['backend', 'batchSize', 'inputShape', 'model', 'samples', 'samplesPerSecond', 'workers']);
      expect(numbers).toMatchObject({ model: 'ds-cnn-s', backend: 'wasm', workers: 1, inputShape: [20, 8], batchSize: 32, samples: 64 });
      expect(numbers['samplesPerSecond']).toBeTypeOf('number');
      expect(Number.isFinite(numbers['samplesPerSecond'])).toBe(true);
      expect(numbers['samplesPerSecond'] as number).toBeGreaterThan(0);
    });

    it('leaves no tensors behind', async () => {
      const before = tf.memory().numTensors;
      expect((await run(['bench', 'train', '--json', ...TINY])).code).toBe(0);
      expect(tf.memory().numTensors).toBe(before);
    });
  });

  it('prints one human-readable line without --json', async () => {
    const { code, stdout } = await run(['bench', 'train', ...TINY]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^training ds-cnn-s \(wasm, 1 worker, input \[20, 8\], batch 32\): \d+(\.\d)? samples\/s$/);
  });

  it('--help explains every flag with its default (the shipped 98x20 front end, batch 64)', async () => {
    const { code, stdout } = await run(['bench', 'train', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: whittle bench train');
    expect(stdout).toContain(`--model <${Object.keys(MODEL_REGISTRY).join('|')}>`);
    expect(stdout).toMatch(/--model .*\(default: ds-cnn-s\)/);
    expect(stdout).toMatch(/--samples <n>.*\(default: 1024\)/);
    expect(stdout).toMatch(/--batch-size <n>.*\(default: 64\)/);
    expect(stdout).toMatch(/--frames <n>.*\(default: 98\)/);
    expect(stdout).toMatch(/--bins <n>.*\(default: 20\)/);
    expect(stdout).toMatch(/--workers <n>.*\(default: 1\)/);
    expect(stdout).toMatch(/--json/);
  });

  it('--workers 2 splits every batch over two threads and reports it', async () => {
    const before = tf.memory().numTensors;
    const { code, stdout, stderr } = await run(['bench', 'train', '--json', ...TINY, '--workers', '2']);
    expect(code, stderr).toBe(0);
    const numbers = JSON.parse(stdout) as Record<string, unknown>;
    expect(numbers).toMatchObject({ model: 'ds-cnn-s', backend: 'wasm', workers: 2, inputShape: [20, 8], batchSize: 32, samples: 64 });
    expect(numbers['samplesPerSecond'] as number).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("keeps 'whittle bench' itself, and lists the subcommand in its --help", async () => {
    const { code, stdout } = await run(['bench', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: whittle bench [--json] [--train-samples n]');
    expect(stdout).toMatch(/--train-samples <n>.*\(default: 1024\)/);
    expect(stdout).toMatch(/Subcommands:\n\s+bench train\s+Measure training samples\/s/);
  });

  it.each([
    [['--model', 'resnet-50'], `Flag '--model' of 'whittle bench train' must be one of ${Object.keys(MODEL_REGISTRY).join(', ')}; got 'resnet-50'`],
    [['--frames', '0'], "Flag '--frames' of 'whittle bench train' must be an integer ≥ 1; got 0"],
    [['--samples', '1.5'], "Flag '--samples' of 'whittle bench train' must be an integer; got '1.5'"],
    [['--batch-size', '0'], "Argument 'batchSize' passed to 'train' must be an integer in [1, 4096]; got 0"],
    [['--workers', '0'], "Argument 'workers' passed to 'train' must be an integer in [1, 64]; got 0"],
    [['--train-samples', '64'], "Unknown option '--train-samples'"],
  ])('rejects %j with a message naming the flag', async (flags, message) => {
    const { code, stdout, stderr } = await run(['bench', 'train', ...flags, '--backend', 'wasm']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('whittle bench train: ');
    expect(stderr).toContain(message);
  });
});
