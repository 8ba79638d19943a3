// An MFP for end-to-end tests and for trying the product by hand: it registers as an MFP device, logs a user
// in (PIN, card or password), lists that user's jobs, fetches each document (from the desktop's 5571 with the
// server's ticket and the pinned certificate, or from the server for cloud jobs), prints it with Print-Job on
// a real IPP printer, and reports the pages printed to the server, as a HyPAS MFP would.
import { createHash } from 'node:crypto';
import { printJob } from '../../main/devices/ipp-client.js';
import { mfpRequest } from '../helpers/mfp-client.js';

/** How a user logs in at the MFP. */
export type MfpCredentials =
  | { method: 'pin'; username: string; pin: string }
  | { method: 'card'; cardId: string }
  | { method: 'password'; username: string; password: string };

/** A job as the server lists it for the MFP. */
export interface ListedJob {
  job: {
    id: string;
    clientJobId: string;
    spool: 'local' | 'cloud';
    name: string;
    pages: number;
    sha256: string;
    options: { copies: number; sides: string; colorMode: string };
  };
  fetch: { url: string; ticket?: string; certSha256?: string | null };
}

/** What happened to one job. */
export interface Released {
  jobId: string;
  name: string;
  spool: 'local' | 'cloud';
  bytes: number;
  sha256: string;
  printerJobId: number | null;
  pages: number;
}

/** A failed call to the server, with its status and body. */
export class ServerError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what}: HTTP ${status} ${body}`);
  }
}

/** Where the MFP prints. */
export interface MfpSimulatorOptions {
  /** The cloud server, e.g. `http://127.0.0.1:8443`. */
  serverUrl: string;
  /** This MFP's device token (`Authorization: Device`). */
  deviceToken: string;
  /** The printer that prints released jobs, `ipp://` or `ipps://`. */
  printerUri: string;
  /** For an `ipps://` printer with a self-signed certificate. */
  printerCertSha256?: string;
}

/** Registers an MFP device with a customer admin's session; returns its token. */
export async function registerMfp(
  serverUrl: string,
  adminToken: string,
  device: { serialNumber: string; hostName: string; ipAddress: string },
): Promise<{ id: string; token: string }> {
  const res = await fetch(new URL('/api/v1/devices', serverUrl), {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'mfp', ...device }),
  });
  const body = await res.text();
  if (res.status !== 201) throw new ServerError(res.status, body, 'registering the MFP');
  const parsed = JSON.parse(body) as { device: { id: string }; token: string };
  return { id: parsed.device.id, token: parsed.token };
}

/** The simulator. */
export function createMfpSimulator(options: MfpSimulatorOptions) {
  const device = { authorization: `Device ${options.deviceToken}` };

  async function call(path: string, session: string | null, init: { method?: string; body?: unknown } = {}) {
    const res = await fetch(new URL(path, options.serverUrl), {
      method: init.method ?? 'GET',
      headers: {
        ...device,
        ...(session ? { 'cps-mfp-session': session } : {}),
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
  }

  async function json<T>(path: string, session: string | null, init?: { method?: string; body?: unknown }) {
    const res = await call(path, session, init);
    if (res.status < 200 || res.status > 299) {
      throw new ServerError(res.status, res.bytes.toString('utf8'), `${init?.method ?? 'GET'} ${path}`);
    }
    return (res.bytes.length ? JSON.parse(res.bytes.toString('utf8')) : {}) as T;
  }

  /** The document of a listed job, from the desktop (ticket, pinned certificate) or the server. */
  async function fetchDocument(listed: ListedJob, session: string): Promise<Buffer> {
    if (listed.job.spool === 'cloud') {
      const res = await call(listed.fetch.url, session);
      if (res.status !== 200)
        throw new ServerError(res.status, res.bytes.toString(), 'fetching a cloud document');
      return res.bytes;
    }
    const url = new URL(listed.fetch.url);
    const res = await mfpRequest({
      hostname: url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(url.port),
      path: url.pathname,
      pin: url.protocol === 'https:' ? (listed.fetch.certSha256 ?? null) : null,
      ...(listed.fetch.ticket !== undefined ? { ticket: listed.fetch.ticket } : {}),
    });
    if (res.status !== 200)
      throw new ServerError(res.status, res.body.toString(), 'fetching from the desktop');
    return res.body;
  }

  return {
    /** Logs a user in at this MFP; returns the MFP session token. */
    async login(credentials: MfpCredentials): Promise<string> {
      return (await json<{ token: string }>('/api/v1/mfp/login', null, { method: 'POST', body: credentials }))
        .token;
    },
    /** The status and body of a login attempt (for refusals). */
    async tryLogin(credentials: MfpCredentials): Promise<{ status: number; body: string }> {
      const res = await call('/api/v1/mfp/login', null, { method: 'POST', body: credentials });
      return { status: res.status, body: res.bytes.toString('utf8') };
    },
    /** The logged-in user's jobs. */
    async listJobs(session: string): Promise<ListedJob[]> {
      return (await json<{ jobs: ListedJob[] }>('/api/v1/mfp/jobs', session)).jobs;
    },
    /** Registers an ID card for the logged-in user. */
    async registerCard(session: string, cardId: string): Promise<void> {
      await json('/api/v1/mfp/cards', session, { method: 'POST', body: { cardId } });
    },
    fetchDocument,
    /** Fetches, prints and reports every listed job of the session's user. */
    async releaseAll(session: string): Promise<Released[]> {
      const released: Released[] = [];
      for (const listed of await this.listJobs(session)) {
        const document = await fetchDocument(listed, session);
        const { options: o } = listed.job;
        const result = await printJob({
          printerUri: options.printerUri,
          document: () => document,
          jobName: listed.job.name,
          userName: 'mfp-release',
          copies: o.copies,
          sides: o.sides as 'one-sided',
          colorMode: o.colorMode as 'auto',
          ...(options.printerCertSha256 ? { pinnedCertSha256: options.printerCertSha256 } : {}),
        });
        if (!result.statusName.startsWith('successful-ok')) {
          throw new Error(
            `the printer refused ${listed.job.name}: ${result.statusName} ${result.message ?? ''}`,
          );
        }
        const pages = listed.job.pages * o.copies;
        await json(`/api/v1/mfp/jobs/${listed.job.id}/printed`, session, {
          method: 'POST',
          body: { pages, color: o.colorMode === 'color', duplex: o.sides !== 'one-sided' },
        });
        released.push({
          jobId: listed.job.id,
          name: listed.job.name,
          spool: listed.job.spool,
          bytes: document.length,
          sha256: createHash('sha256').update(document).digest('hex'),
          printerJobId: result.jobId,
          pages,
        });
      }
      return released;
    },
    /** Ends the MFP session. */
    async logout(session: string): Promise<void> {
      await call('/api/v1/mfp/logout', session, { method: 'POST' });
    },
  };
}
