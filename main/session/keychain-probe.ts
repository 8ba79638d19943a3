// The start-up check that the keychain works: save, read back and delete a probe entry.
//
// On Linux it runs in a short-lived child process. A session bus that accepts a connection and never answers
// blocks keytar's call on a libuv pool thread forever; in our own process that thread then also blocks exit
// (even process.exit waits for the pool), so the spooler could never stop. A child we can kill instead.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Keychain } from './keychain-secret-store.js';
import { withTimeout } from './keychain-secret-store.js';

/** Saves, reads back and deletes one entry; rejects with the keychain's reason. */
export type KeychainProbe = (service: string, account: string, timeoutMs: number) => Promise<void>;

const MISMATCH = 'it did not give back what was saved in it';

/** The probe in this process, through an already loaded keychain binding. */
export function createInProcessProbe(keychain: Keychain): KeychainProbe {
  return async (service, account, timeoutMs) => {
    const timeout = () => new Error(`it did not answer within ${timeoutMs / 1000} s`);
    const value = randomBytes(16).toString('hex');
    await withTimeout(keychain.setPassword(service, account, value), timeoutMs, timeout);
    const back = await withTimeout(keychain.getPassword(service, account), timeoutMs, timeout);
    await withTimeout(keychain.deletePassword(service, account), timeoutMs, timeout);
    if (back !== value) throw new Error(MISMATCH);
  };
}

// CommonJS for `node -e`: argv is [node, keytar path, service, account]. The probe value is made here and
// never leaves the child; stdout carries only "ok" or the reason.
const CHILD_SCRIPT = `
const [, keytarPath, service, account] = process.argv;
const k = require(keytarPath);
const v = require('node:crypto').randomBytes(16).toString('hex');
(async () => {
  await k.setPassword(service, account, v);
  const back = await k.getPassword(service, account);
  await k.deletePassword(service, account);
  if (back !== v) throw new Error(${JSON.stringify(MISMATCH)});
})().then(
  () => { process.stdout.write('ok'); process.exit(0); },
  (e) => { process.stdout.write(String((e && e.message) || e)); process.exit(1); },
);
`;

/**
 * The probe in a child process (`process.execPath`; ELECTRON_RUN_AS_NODE makes the Electron binary act as
 * Node), killed when it does not finish within the timeout. `keytarPath` defaults to our keytar.
 */
export function createChildProcessProbe(keytarPath?: string): KeychainProbe {
  return (service, account, timeoutMs) =>
    new Promise<void>((resolve, reject) => {
      let path: string;
      try {
        path = keytarPath ?? createRequire(import.meta.url).resolve('keytar');
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      execFile(
        process.execPath,
        ['-e', CHILD_SCRIPT, path, service, account],
        {
          env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
          timeout: timeoutMs,
          killSignal: 'SIGKILL',
          encoding: 'utf8',
          windowsHide: true,
        },
        (err, stdout) => {
          if (!err) resolve();
          else if (err.killed) reject(new Error(`it did not answer within ${timeoutMs / 1000} s`));
          else reject(new Error(stdout.trim() || err.message));
        },
      );
    });
}
