// The embedded cloud server (design: `--server-url`, "default the embedded one"): the same server as
// `npm run server`, started inside the spooler process so that one command runs the whole product on one
// machine. It listens on 127.0.0.1 only: a server that MFPs on the LAN reach needs TLS and its own care
// (`npm run server -- --tls-cert ... --host ...`). Its data (SQLite database, blob folder, key files) lives in
// `<data-dir>/server`. The server's code is loaded only when it is used, so a spooler pointed at a remote
// server never loads Fastify's server side or SQLite.
import { PortError } from './spooler.js';

/** A running embedded server. */
export interface EmbeddedServer {
  url: string;
  /** Set on the very first start: the root provider's admin and, when generated, the password (shown once). */
  bootstrap: { username: string; generatedPassword: string | null } | null;
  close(): Promise<void>;
}

/** Where and how to start it. */
export interface EmbeddedServerOptions {
  host: string;
  port: number;
  dataDir: string;
  /** The first admin (`CPS_ADMIN_USERNAME` / `CPS_ADMIN_PASSWORD`); a password is generated when missing. */
  admin: { username?: string | undefined; password?: string | undefined };
  /** Server log level (its lines go to stderr; one per request at `info`). */
  logLevel: string;
}

/** Starts the server; a taken port is a PortError with what to do about it. */
export async function startEmbeddedServer(options: EmbeddedServerOptions): Promise<EmbeddedServer> {
  const { buildApp } = await import('../../server-stub/src/app.js');
  const app = await buildApp({
    dataDir: options.dataDir,
    admin: options.admin,
    // The spooler's own log level words are pino's too; requests are logged at info.
    logger: { level: options.logLevel === 'debug' ? 'info' : 'warn', stream: process.stderr },
  });
  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (err) {
    await app.close();
    if ((err as { code?: string }).code === 'EADDRINUSE') {
      throw new PortError(
        `Port ${options.port} for the embedded cloud server is already in use (another spooler or ` +
          '`npm run server`?). Choose another with --embedded-server-port, or use that server with ' +
          '--server-url http://127.0.0.1:PORT.',
      );
    }
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://${options.host}:${port}`,
    bootstrap: app.bootstrap
      ? { username: app.bootstrap.username, generatedPassword: app.bootstrap.generatedPassword }
      : null,
    close: () => app.close(),
  };
}
