// An in-process spooler whose MFP job server trusts a real server-stub ticket signer, plus helpers to put
// jobs of given users into its spool and to sign tickets for them.
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { TestContext } from 'node:test';
import { loadConfig } from '../../../main/core/config.js';
import { startSpooler } from '../../../main/core/spooler.js';
import type { Spooler } from '../../../main/core/spooler.js';
import { createLogger } from '../../../main/log/logger.js';
import type { TicketTrust } from '../../../main/mfp-server/ticket.js';
import type { Job, WaitingState } from '../../../main/spool/job.js';
import { createTicketSigner } from '../../../server-stub/src/services/ticket-signer.js';
import type { TicketRequest, TicketSigner } from '../../../server-stub/src/services/ticket-signer.js';
import { tempDir } from '../../helpers/temp-dir.js';

/** This desktop's device id and the user logged in on it. */
export const DESK = 'desk-1';
export const USER = 'user-a';
export const OTHER_USER = 'user-b';

/** A running spooler with the MFP side wired to a signer. */
export interface MfpSpooler {
  spooler: Spooler;
  dataDir: string;
  /** The server's data dir (its signing key), for a second signer with another clock. */
  serverDir: string;
  signer: TicketSigner;
  /** What the desktop trusts now; set it to null to log the user out, or change the user. */
  trust: { current: TicketTrust | null };
  port: number;
  /** The certificate pin, or null over plain HTTP. */
  pin: string | null;
  /** A ticket for this desktop and USER (overrides change any field). */
  ticket(overrides?: Partial<TicketRequest>): string;
  /** Stores `pdf` (a Buffer or a file path) as a job of `ownerId` (default USER; null: nobody's). */
  addJob(
    pdf: Buffer | string,
    options?: { ownerId?: string | null; state?: WaitingState; name?: string },
  ): Promise<Job>;
}

/** Starts it; stopped after the test. `args` are extra flags (e.g. `--mfp-insecure-http`). */
export async function startMfpSpooler(
  t: Pick<TestContext, 'after'>,
  args: string[] = [],
): Promise<MfpSpooler> {
  const dataDir = tempDir(t, 'cps-mfp-');
  const serverDir = tempDir(t, 'cps-mfp-server-');
  const signer = createTicketSigner({ dataDir: serverDir });
  const trust: { current: TicketTrust | null } = {
    current: { keys: [signer.publicKey().publicKey], deskId: DESK, userId: USER },
  };
  const config = loadConfig(
    [
      ...['--data-dir', dataDir, '--control-port', '0', '--ipp-port', '0', '--hot-folder', 'off'],
      ...['--mfp-port', '0', '--mfp-host', '127.0.0.1', ...args],
    ],
    {},
  );
  const spooler = await startSpooler(config, createLogger({ dir: null, console: false }), {
    mfpTrust: () => trust.current,
  });
  t.after(() => spooler.stop());
  const { store } = spooler;
  return {
    spooler,
    dataDir,
    serverDir,
    signer,
    trust,
    port: spooler.mfp.port,
    pin: spooler.mfp.certSha256,
    ticket: (overrides = {}) =>
      signer.sign({ desk: DESK, mfp: 'mfp-1', sub: USER, ttlSeconds: 120, ...overrides }).ticket,
    async addJob(pdf, options = {}) {
      const draft = await store.createDraft(Number.MAX_SAFE_INTEGER);
      await pipeline(typeof pdf === 'string' ? createReadStream(pdf) : Readable.from([pdf]), draft.stream);
      return store.commit(draft, {
        name: options.name ?? 'report.pdf',
        owner: 'someone',
        pages: 1,
        state: options.state ?? 'held',
        ...(options.ownerId === null ? {} : { ownerId: options.ownerId ?? USER }),
      });
    },
  };
}
