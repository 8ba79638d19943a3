// `npm run server`: the only place that listens. Flags: --data-dir, --port, --host, --tls-cert, --tls-key,
// --allow-insecure-http. The first admin comes from CPS_ADMIN_USERNAME / CPS_ADMIN_PASSWORD on first start.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp } from './app.js';
import { checkListenSafety } from './listen-safety.js';

const USAGE = `Usage: npm run server -- [--data-dir DIR] [--port 8443] [--host 127.0.0.1]
  [--tls-cert FILE --tls-key FILE] [--allow-insecure-http]`;

function fail(message: string): never {
  console.error(`cps-server: ${message}`);
  process.exit(1);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        'data-dir': { type: 'string', default: join(process.cwd(), 'server-data') },
        port: { type: 'string', default: '8443' },
        host: { type: 'string', default: '127.0.0.1' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'allow-insecure-http': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    fail(`--port must be 0 to 65535, not "${values.port}".`);
  if (Boolean(values['tls-cert']) !== Boolean(values['tls-key']))
    fail('--tls-cert and --tls-key go together.');
  const refusal = checkListenSafety({
    host: values.host,
    tls: Boolean(values['tls-cert']),
    allowInsecureHttp: values['allow-insecure-http'],
  });
  if (refusal) fail(refusal);

  let https: { cert: Buffer; key: Buffer } | null = null;
  if (values['tls-cert'] && values['tls-key']) {
    try {
      https = { cert: readFileSync(values['tls-cert']), key: readFileSync(values['tls-key']) };
    } catch (err) {
      fail(`cannot read the TLS certificate or key: ${(err as Error).message}`);
    }
  }

  let app;
  try {
    app = await buildApp({
      dataDir: values['data-dir'],
      https,
      logger: { level: process.env.CPS_LOG_LEVEL ?? 'info' },
      // An empty variable counts as unset.
      admin: {
        username: process.env.CPS_ADMIN_USERNAME || undefined,
        password: process.env.CPS_ADMIN_PASSWORD || undefined,
      },
    });
  } catch (err) {
    fail(`cannot start with data dir ${values['data-dir']}: ${(err as Error).message}`);
  }
  if (app.bootstrap) {
    const { username, generatedPassword } = app.bootstrap;
    console.log(`Created the root provider and its admin "${username}".`);
    if (generatedPassword) {
      console.log(`Generated admin password (shown once, change it): ${generatedPassword}`);
    }
  }
  try {
    await app.listen({ port, host: values.host });
  } catch (err) {
    await app.close();
    fail(`cannot listen on ${values.host}:${port}: ${(err as Error).message}`);
  }
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  console.log(`cps-server listening on ${https ? 'https' : 'http'}://${values.host}:${actualPort}`);

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void app.close().then(() => process.exit(0));
    });
  }
}

await main();
