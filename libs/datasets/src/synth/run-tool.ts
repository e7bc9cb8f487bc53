// Runs an external synthesiser (espeak-ng, flite) and turns its failure modes into typed errors.

import { spawn } from 'node:child_process';
import { MissingToolError, WhittleError } from '../core/errors.ts';

export const SPEECH_TOOLS_HINT = 'apt-get install espeak-ng flite';

/** Run `program args`, resolve with stdout; ENOENT is a MissingToolError, a non-zero exit a BACKEND error. */
export function runTool(
  program: string,
  args: readonly string[],
  options: { timeoutMs?: number; hint?: string; okExitCodes?: readonly number[] } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: options.timeoutMs ?? 30_000 });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT' || e.code === 'EACCES') reject(new MissingToolError(program, options.hint ?? SPEECH_TOOLS_HINT));
      else reject(new WhittleError('BACKEND', `Could not run '${program}': ${e.message}`, { cause: e }));
    });
    child.on('close', (code, signal) => {
      if (code !== null && (options.okExitCodes ?? [0]).includes(code)) {
        resolve(Buffer.concat(out).toString('utf8'));
        return;
      }
      const stderr = Buffer.concat(err).toString('utf8').trim().slice(0, 500);
      const how = signal !== null ? `was killed by ${signal}` : `exited with code ${code}`;
      reject(new WhittleError('BACKEND', `'${program} ${args.join(' ')}' ${how}${stderr ? `: ${stderr}` : ''}`));
    });
  });
}
