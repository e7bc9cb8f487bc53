// Write-then-rename helpers: a crash never leaves a half-written file or directory behind.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** Write `data` to `file` atomically (temp file in the same directory, then rename). */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = join(dirname(file), `.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Build a directory at `target` by filling a temp sibling and renaming it into place.
 * `fill` receives the temp path. Fails if `target` exists unless `replace` is set.
 */
export async function writeDirAtomic(
  target: string,
  fill: (tmpDir: string) => Promise<void>,
  options: { replace?: boolean } = {},
): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const tmp = join(dirname(target), `.${randomBytes(6).toString('hex')}.partial`);
  await mkdir(tmp, { recursive: true });
  try {
    await fill(tmp);
    if (options.replace) await rm(target, { recursive: true, force: true });
    await rename(tmp, target);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}
