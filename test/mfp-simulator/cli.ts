// `npm run mfp-sim -- ...`: the MFP simulator by hand. Logs a user in at an MFP, releases their jobs to a
// printer, and prints what happened (see the README, "MFP simulator").
import { Command } from 'commander';
import { createMfpSimulator, registerMfp } from './mfp-simulator.js';
import type { MfpCredentials } from './mfp-simulator.js';

const program = new Command('mfp-sim')
  .description('Release a user’s jobs at a simulated MFP')
  .requiredOption('--server <url>', 'the cloud server, e.g. http://127.0.0.1:8443')
  .requiredOption('--printer <uri>', 'the printer to print on, ipp:// or ipps://')
  .option('--printer-cert-sha256 <hex>', 'pin an ipps:// printer’s self-signed certificate')
  .option('--device-token <token>', 'this MFP’s device token (or register one with --admin-*)')
  .option('--admin-user <name>', 'a customer admin who registers this MFP first')
  .option('--admin-password <password>', 'that admin’s password')
  .option('--user <name>', 'who logs in (with --pin or --password)')
  .option('--pin <digits>', 'the user’s PIN')
  .option('--password <password>', 'the user’s password')
  .option('--card <id>', 'log in with an ID card instead')
  .option('--list-only', 'list the jobs, release nothing')
  .parse();

const o = program.opts<{
  server: string;
  printer: string;
  printerCertSha256?: string;
  deviceToken?: string;
  adminUser?: string;
  adminPassword?: string;
  user?: string;
  pin?: string;
  password?: string;
  card?: string;
  listOnly?: boolean;
}>();

async function main(): Promise<void> {
  let deviceToken = o.deviceToken;
  if (!deviceToken) {
    if (!o.adminUser || !o.adminPassword)
      throw new Error('Give --device-token, or --admin-user and --admin-password.');
    const res = await fetch(new URL('/api/v1/auth/login', o.server), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: o.adminUser, password: o.adminPassword }),
    });
    if (res.status !== 200) throw new Error(`The admin login failed: HTTP ${res.status}`);
    const { token } = (await res.json()) as { token: string };
    const mfp = await registerMfp(o.server, token, {
      serialNumber: `SIM-${Date.now()}`,
      hostName: 'mfp-simulator',
      ipAddress: '127.0.0.1',
    });
    deviceToken = mfp.token;
    console.log(`registered MFP ${mfp.id}; its device token: ${mfp.token}`);
  }
  let credentials: MfpCredentials;
  if (o.card) credentials = { method: 'card', cardId: o.card };
  else if (o.user && o.pin) credentials = { method: 'pin', username: o.user, pin: o.pin };
  else if (o.user && o.password) credentials = { method: 'password', username: o.user, password: o.password };
  else throw new Error('Give --card, or --user with --pin or --password.');

  const mfp = createMfpSimulator({
    serverUrl: o.server,
    deviceToken,
    printerUri: o.printer,
    ...(o.printerCertSha256 ? { printerCertSha256: o.printerCertSha256 } : {}),
  });
  const session = await mfp.login(credentials);
  try {
    if (o.listOnly) {
      for (const j of await mfp.listJobs(session)) {
        console.log(`${j.job.id}  ${j.job.spool}  ${j.job.pages} pages  ${j.job.name}`);
      }
      return;
    }
    const released = await mfp.releaseAll(session);
    for (const r of released)
      console.log(`printed ${r.name}: ${r.pages} pages, ${r.bytes} bytes (${r.spool} spool)`);
    if (released.length === 0) console.log('no jobs to release');
  } finally {
    await mfp.logout(session);
  }
}

main().catch((err: unknown) => {
  console.error(`mfp-sim: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
