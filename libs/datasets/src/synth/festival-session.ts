// A long-running `festival --pipe` process that evaluates Scheme one request at a time.

import { spawn, type ChildProcess } from 'node:child_process';
import { MissingToolError, WhittleError } from '../core/errors.ts';

/** Every package the default festival voices need, for messages about a missing program. */
export const FESTIVAL_TOOLS_HINT = 'apt-get install festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts';

const MARKER = 'whittle-done';
const TAIL_CHARS = 500;

interface Pending {
  readonly id: number;
  readonly resolve: (stderr: string) => void;
  readonly reject: (error: unknown) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * One festival process kept open across many requests: festival takes ~0.2 s to start and load a
 * voice, about ten times what saying one word takes, so a process per clip would dominate the
 * generation time. festival buffers stdout when it is a pipe, so each request ends by writing a
 * numbered marker to stderr (unbuffered); what festival wrote to stderr before the marker is the
 * request's diagnostics (SIOD errors do not stop `--pipe`, they just print and go on).
 */
export class FestivalSession {
  private readonly child: ChildProcess;
  private readonly program: string;
  private stderr = '';
  private nextId = 0;
  private pending: Pending | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private exited: WhittleError | undefined;

  /** Start `program --pipe` and send it `prelude` (definitions every request may use). */
  constructor(program: string, prelude: string) {
    this.program = program;
    // stdout is ignored: festival only prints to it when asked, and an unread pipe could fill and block it.
    this.child = spawn(program, ['--pipe'], { stdio: ['pipe', 'ignore', 'pipe'] });
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (chunk: string) => this.onStderr(chunk));
    this.child.on('error', (e: NodeJS.ErrnoException) => {
      const error = e.code === 'ENOENT' || e.code === 'EACCES' ? new MissingToolError(program, FESTIVAL_TOOLS_HINT) : new WhittleError('BACKEND', `Could not run '${program} --pipe': ${e.message}`, { cause: e });
      this.fail(error);
    });
    this.child.on('close', (code, signal) => {
      const tail = this.stderr.trim().slice(-TAIL_CHARS);
      this.fail(new WhittleError('BACKEND', `'${program} --pipe' ${signal !== null ? `was killed by ${signal}` : `exited with code ${code}`}${tail ? `: ${tail}` : ''}`));
    });
    // A closed stdin shows up as 'close' on the child; the write error itself adds nothing.
    this.child.stdin?.on('error', () => undefined);
    this.child.stdin?.write(`${prelude}\n`);
  }

  /** False once the process has exited or failed: such a session rejects every request. */
  get alive(): boolean {
    return this.exited === undefined;
  }

  /**
   * Evaluate `script` and resolve with what festival wrote to stderr meanwhile (empty when all
   * went well). Requests queue: festival evaluates one thing at a time.
   */
  run(script: string, timeoutMs = 30_000): Promise<string> {
    const result = this.queue.then(() => this.send(script, timeoutMs));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** End the process: close its stdin and wait for it to exit (killing it after `timeoutMs`). */
  async close(timeoutMs = 5_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const closed = new Promise<void>((resolve) => this.child.once('close', () => resolve()));
    this.child.stdin?.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await closed;
    clearTimeout(timer);
  }

  private send(script: string, timeoutMs: number): Promise<string> {
    if (this.exited !== undefined) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        // A request that never ends (an unbalanced form waits for more input) poisons the session.
        this.fail(new WhittleError('BACKEND', `'${this.program} --pipe' did not finish a request within ${timeoutMs} ms: ${script.slice(0, 200)}`));
        this.child.kill('SIGKILL');
      }, timeoutMs);
      this.pending = { id, resolve, reject, timer };
      this.child.stdin?.write(`${script}\n(format stderr "\\n${MARKER} ${id}\\n")\n`);
    });
  }

  private onStderr(chunk: string): void {
    this.stderr += chunk;
    const pending = this.pending;
    if (pending === undefined) return;
    const marker = `${MARKER} ${pending.id}\n`;
    const at = this.stderr.indexOf(marker);
    if (at < 0) return;
    const said = this.stderr.slice(0, at).trim();
    this.stderr = this.stderr.slice(at + marker.length);
    this.pending = undefined;
    clearTimeout(pending.timer);
    pending.resolve(said);
  }

  private fail(error: WhittleError): void {
    this.exited ??= error;
    const pending = this.pending;
    this.pending = undefined;
    if (pending !== undefined) {
      clearTimeout(pending.timer);
      pending.reject(this.exited);
    }
  }
}
