// A real Secret Service for tests: a private D-Bus session bus and an unlocked gnome-keyring-daemon on it,
// with a private HOME and XDG_RUNTIME_DIR in a temp folder, stopped when the test (or suite) ends.
// See ../shared/peers.md, "keytar against a real Secret Service".
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestContext } from 'node:test';

/** A running keyring: the environment a process needs to reach it, and its folders. */
export interface Keyring {
  /** DBUS_SESSION_BUS_ADDRESS, HOME and XDG_RUNTIME_DIR of the private session. */
  env: { DBUS_SESSION_BUS_ADDRESS: string; HOME: string; XDG_RUNTIME_DIR: string };
  /** The private HOME: the keyring keeps its (encrypted) file under .local/share/keyrings. */
  home: string;
  /** Process ids of dbus-daemon and gnome-keyring-daemon. */
  pids: number[];
  /** Stops both daemons and waits for them to exit (also done when the test ends). */
  stop(): Promise<void>;
}

/** The unlock password of the test keyring: an empty one makes gnome-keyring look for a GUI prompt. */
const UNLOCK_PASSWORD = 'a-non-empty-password';

// No service activation (no <servicedir>): a daemon that dies is not silently replaced by a locked one.
function busConfig(socket: string): string {
  return `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=${socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** True while a process with this id exists (a zombie counts: it has not been reaped). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function firstLine(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error('dbus-daemon printed no address')), timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const nl = text.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(text.slice(0, nl).trim());
      }
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`dbus-daemon exited with ${code}`));
    });
  });
}

/**
 * Starts the keyring, or throws with the reason it cannot start here. With `t`, it stops when that test ends;
 * a suite calls `stop()` in its own after() (node:test runs an after() registered inside before() at once).
 */
export async function startKeyring(t?: Pick<TestContext, 'after'>): Promise<Keyring> {
  const dir = mkdtempSync(join(tmpdir(), 'cps-keyring-'));
  const home = join(dir, 'home');
  const runtime = join(dir, 'run');
  mkdirSync(home, { mode: 0o700 });
  mkdirSync(runtime, { mode: 0o700 });
  writeFileSync(join(dir, 'bus.conf'), busConfig(join(dir, 'bus')));
  const children: ChildProcess[] = [];
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    // The keyring first, so it does not see its bus vanish mid-write; then the bus.
    for (const child of [...children].reverse()) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited(child);
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  t?.after(stop);

  const baseEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, XDG_RUNTIME_DIR: runtime };
  try {
    const bus = spawn(
      'dbus-daemon',
      [`--config-file=${join(dir, 'bus.conf')}`, '--nofork', '--print-address=1'],
      {
        env: baseEnv,
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    children.push(bus);
    const address = await firstLine(bus, 10_000);
    const env = { ...baseEnv, DBUS_SESSION_BUS_ADDRESS: address };

    const keyring = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], {
      env,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    children.push(keyring);
    const spawnError = new Promise<never>((_, reject) => keyring.once('error', reject));
    keyring.stdin?.end(UNLOCK_PASSWORD);
    // Ready when it owns org.freedesktop.secrets on our bus.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const owner = spawnSync(
        'dbus-send',
        [
          '--session',
          '--print-reply',
          '--dest=org.freedesktop.DBus',
          '/',
          'org.freedesktop.DBus.NameHasOwner',
          'string:org.freedesktop.secrets',
        ],
        { env, encoding: 'utf8' },
      );
      if (owner.error) throw owner.error;
      if (/boolean true/.test(owner.stdout)) break;
      if (keyring.exitCode !== null) throw new Error(`gnome-keyring-daemon exited with ${keyring.exitCode}`);
      if (Date.now() > deadline)
        throw new Error('gnome-keyring-daemon did not claim org.freedesktop.secrets');
      await Promise.race([sleep(50), spawnError]);
    }
    return { env: { ...env }, home, pids: children.map((c) => c.pid ?? -1), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Starts the keyring, or returns why it cannot start on this machine. */
export async function tryStartKeyring(t?: Pick<TestContext, 'after'>): Promise<Keyring | Error> {
  try {
    return await startKeyring(t);
  } catch (err) {
    return new Error(`no test keyring (gnome-keyring-daemon on a private D-Bus): ${(err as Error).message}`);
  }
}

/**
 * The keyring, or, when it could not start: a loud failure under CI (CI=true), where it must work (.ci/run
 * installs it), and a skip with the reason elsewhere (then null).
 */
export function keyringOrSkip(t: TestContext, keyring: Keyring | Error | undefined): Keyring | null {
  if (keyring === undefined) throw new Error('the keyring was not started: call tryStartKeyring in before()');
  if (!(keyring instanceof Error)) return keyring;
  if (process.env.CI) throw new Error(`${keyring.message}. CI must provide it: see .ci/run`);
  t.skip(keyring.message);
  return null;
}
