// writeReport puts report.md and report.json in the directory, and the JSON reads back as the same report.
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SAMPLE_CLASSES, sampleVariants } from '../testing/sample-variants.ts';
import { buildComparisonReport } from './comparison-report.ts';
import { renderReportMarkdown } from './render-markdown.ts';
import { writeReport } from './write-report.ts';

const roots: string[] = [];
afterAll(async () => Promise.all(roots.map((r) => rm(r, { recursive: true, force: true }))));

describe('writeReport', () => {
  it('writes both files (creating the dir), keeps neighbours, and report.json round-trips', async () => {
    const root = await mkdtemp(join(tmpdir(), 'whittle-eval-report-'));
    roots.push(root);
    const dir = join(root, 'run', 'report');
    const report = buildComparisonReport({
      title: 'r',
      variants: sampleVariants(),
      classNames: SAMPLE_CLASSES,
      dataset: { dir: '/d', split: 'testing', clips: 10 },
      extra: { backend: 'wasm' },
    });
    const first = await writeReport(dir, report);
    expect(first).toEqual({ mdPath: join(dir, 'report.md'), jsonPath: join(dir, 'report.json') });
    await writeFile(join(dir, 'notes.txt'), 'keep me');
    const again = await writeReport(dir, { ...report, title: 'r2' });

    expect((await readdir(dir)).sort()).toEqual(['notes.txt', 'report.json', 'report.md']);
    const json = JSON.parse(await readFile(again.jsonPath, 'utf8'));
    expect(json).toEqual({ ...report, title: 'r2' });
    expect(await readFile(again.mdPath, 'utf8')).toBe(renderReportMarkdown({ ...report, title: 'r2' }));
  });
});
