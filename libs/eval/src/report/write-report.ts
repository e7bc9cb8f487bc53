// Writing report.md and report.json next to each other, each atomically.

import { join } from 'node:path';
import { writeFileAtomic } from '@whittle/datasets';
import type { ComparisonReport } from './comparison-report.ts';
import { renderReportMarkdown } from './render-markdown.ts';

/**
 * Write `dir/report.json` then `dir/report.md` (creating `dir`). Per-file atomic writes rather than
 * replacing `dir`, so files others keep in the same folder survive a rerun.
 */
export async function writeReport(dir: string, report: ComparisonReport): Promise<{ mdPath: string; jsonPath: string }> {
  const jsonPath = join(dir, 'report.json');
  const mdPath = join(dir, 'report.md');
  await writeFileAtomic(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  await writeFileAtomic(mdPath, renderReportMarkdown(report));
  return { mdPath, jsonPath };
}
