// Renders library progress as a bar with rate and ETA on a terminal, or as sparse lines in logs/CI.

import type { ProgressEvent, Reporter } from '@whittle/datasets';

interface Bar {
  stage: string;
  started: number;
  lastLine: number;
  lastDecile: number;
}

/** A Reporter writing to a stream (stderr by default) so stdout stays clean for --json output. */
export class TerminalReporter implements Reporter {
  private bar: Bar | undefined;

  constructor(
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly quiet = false,
  ) {}

  progress(event: ProgressEvent): void {
    if (this.quiet) return;
    const now = performance.now();
    if (this.bar?.stage !== event.stage) {
      this.endBar();
      this.bar = { stage: event.stage, started: now, lastLine: 0, lastDecile: -1 };
    }
    const bar = this.bar;
    const fraction = event.total > 0 ? Math.min(event.done / event.total, 1) : 0;
    const elapsed = (now - bar.started) / 1000;
    const eta = fraction > 0 ? (elapsed * (1 - fraction)) / fraction : NaN;
    const text = `${event.stage} ${this.drawBar(fraction)} ${event.done}/${event.total} ${formatSeconds(elapsed)}<${formatSeconds(eta)}${event.detail ? ` ${event.detail}` : ''}`;
    if (this.out.isTTY) {
      this.out.write(`\r\x1b[2K${text.slice(0, (this.out.columns ?? 120) - 1)}`);
      if (event.done >= event.total) this.endBar();
    } else {
      // In logs, print each 10% step (and at most every 10 s otherwise) so CI output stays readable.
      const decile = Math.floor(fraction * 10);
      if (decile > bar.lastDecile || now - bar.lastLine > 10_000 || event.done >= event.total) {
        this.out.write(`${text}\n`);
        bar.lastDecile = decile;
        bar.lastLine = now;
      }
      if (event.done >= event.total) this.bar = undefined;
    }
  }

  info(message: string): void {
    if (this.quiet) return;
    this.endBar();
    this.out.write(`${message}\n`);
  }

  warn(message: string): void {
    this.endBar();
    this.out.write(`warning: ${message}\n`);
  }

  private endBar(): void {
    if (this.bar !== undefined && this.out.isTTY) this.out.write('\n');
    this.bar = undefined;
  }

  private drawBar(fraction: number): string {
    const width = 24;
    const filled = Math.round(fraction * width);
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%`;
  }
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '--:--';
  const m = Math.floor(s / 60);
  return `${String(m).padStart(2, '0')}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
}
