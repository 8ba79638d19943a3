// The data dir: made usable (or refused with a clear reason) and locked to one spooler at a time.
import { constants, promises as fsp } from 'node:fs';
import { join } from 'node:path';

/** The data dir cannot be used; the message says why and what to do. */
export class DataDirError extends Error {}

/** A data-dir problem in words a person can act on. */
export function dataDirProblem(dir: string, err: unknown): DataDirError {
  const code = (err as { code?: string }).code ?? 'error';
  const why: Record<string, string> = {
    ENOSPC: `The disk holding the data directory ${dir} is full. Free some space and start again.`,
    EDQUOT: `The disk quota for the data directory ${dir} is used up. Free some space and start again.`,
    EROFS: `The data directory ${dir} is on a read-only file system. Choose another with --data-dir.`,
    ENOTDIR: `The data directory ${dir} (or a folder on its path) is a file, not a folder. Choose another with --data-dir.`,
    EEXIST: `The data directory ${dir} holds a file where the spooler needs a folder (spool, logs, damaged). Move it away, or choose another with --data-dir.`,
  };
  return new DataDirError(
    why[code] ??
      `The data directory ${dir} is not writable (${code}). Fix its permissions or choose another with --data-dir.`,
  );
}

/** Creates the data dir if needed and proves it is writable. */
export async function prepareDataDir(dir: string): Promise<void> {
  try {
    const existing = await fsp.stat(dir).catch(() => null);
    if (existing && !existing.isDirectory())
      throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
    await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
    const probe = join(dir, `.write-probe-${process.pid}`);
    await fsp.writeFile(probe, 'ok');
    await fsp.unlink(probe);
  } catch (err) {
    throw dataDirProblem(dir, err);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}

/** Takes `<dir>/spooler.lock` for this process; a lock left by a dead process is taken over. */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, 'spooler.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await fsp.open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      return async () => {
        await fsp.unlink(path).catch(() => undefined);
      };
    } catch (err) {
      if ((err as { code?: string }).code !== 'EEXIST') throw err;
      const pid = Number((await fsp.readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new DataDirError(
          `Another spooler (pid ${pid}) is using the data directory ${dir}. Stop it, or choose another --data-dir.`,
        );
      }
      await fsp.unlink(path).catch(() => undefined);
    }
  }
  throw new DataDirError(`The lock file ${path} could not be taken. Remove it if no spooler is running.`);
}
