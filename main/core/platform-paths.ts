// Where the spool lives by default on each platform (design.md, "Spool").
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The platform's data folder: %LOCALAPPDATA%\KCP, /Users/Shared/Library/Cloud Print and Scan, or XDG. */
export function defaultDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'KCP');
  if (platform === 'darwin') return '/Users/Shared/Library/Cloud Print and Scan';
  const xdg = env.XDG_DATA_HOME && env.XDG_DATA_HOME.startsWith('/') ? env.XDG_DATA_HOME : null;
  return join(xdg ?? join(homedir(), '.local', 'share'), 'cloud-print-and-scan');
}
