// The cloud server calls the desktop session makes (server-stub/README.md), through the one HTTP client.
// Every failure becomes a SessionError whose message names the server and never a token or the password.
import { CloudHttpError } from '../cloud/http-client.js';
import type { CloudHttpClient, CloudResponse } from '../cloud/http-client.js';
import { SessionError } from './session-error.js';

/** The user as the desktop keeps it. */
export interface SessionUser {
  id: string;
  username: string;
  organizationId: string;
}

/** POST /api/v1/auth/login answer. */
export interface LoginAnswer {
  token: string;
  expiresAt: string;
  idleTimeoutSeconds: number;
}

/** The device as the desktop keeps it. */
export interface DeviceAnswer {
  id: string;
  organizationId: string;
}

/** What the desktop needs of the effective policy. */
export interface PolicyAnswer {
  idleLogoutMinutes: number | null;
  spoolingMode: string | null;
}

/** The calls, bound to one client and server. */
export interface SessionApi {
  login(username: string, password: string): Promise<LoginAnswer>;
  /** The token's user, or null when the server refuses the token (401). */
  me(token: string): Promise<SessionUser | null>;
  policy(token: string): Promise<PolicyAnswer>;
  /** The server's ticket keys: raw Ed25519 public keys, base64url. */
  ticketKeys(token: string): Promise<string[]>;
  registerDesktop(token: string, hostName: string): Promise<{ device: DeviceAnswer; token: string }>;
  /** The device of a device token, or null when the server refuses it (unknown or revoked). */
  deviceSelf(deviceToken: string): Promise<DeviceAnswer | null>;
  logout(token: string): Promise<void>;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** The server's own `message` of an error answer, if it sent one (never holds our secrets: it did not get them back). */
async function serverMessage(res: CloudResponse): Promise<string> {
  try {
    const body = (await res.body.json()) as { message?: unknown };
    return typeof body.message === 'string' ? ` (${body.message.replace(/\.$/, '').slice(0, 200)})` : '';
  } catch {
    return '';
  }
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/** Creates the calls; `serverUrl` is only for messages. */
export function createSessionApi(http: CloudHttpClient, serverUrl: string): SessionApi {
  const unexpected = async (what: string, res: CloudResponse): Promise<SessionError> =>
    new SessionError(
      'server-error',
      `The cloud server ${serverUrl} answered ${res.status} to ${what}${await serverMessage(res)}. Try again later.`,
    );

  async function send(what: string, req: Parameters<CloudHttpClient['request']>[0]): Promise<CloudResponse> {
    try {
      return await http.request(req);
    } catch (err) {
      if (err instanceof CloudHttpError) {
        const code = err.code === 'proxy-settings' ? 'server-error' : 'server-unreachable';
        throw new SessionError(code, `${what} failed: ${err.message}`, { cause: err });
      }
      throw err;
    }
  }

  async function json(what: string, res: CloudResponse): Promise<Record<string, unknown>> {
    try {
      return record(await res.body.json());
    } catch (err) {
      throw new SessionError(
        'server-error',
        `The cloud server ${serverUrl} sent an answer to ${what} that is not JSON: is ${serverUrl} a Cloud Print and Scan server?`,
        { cause: err },
      );
    }
  }

  return {
    async login(username, password) {
      const what = 'the login';
      const res = await send('Logging in', {
        method: 'POST',
        path: '/api/v1/auth/login',
        headers: { 'content-type': 'application/json' },
        // A desktop session idles out at the server after the organization's idle-logout policy.
        body: JSON.stringify({ username, password, client: 'desktop' }),
      });
      if (res.status === 401) {
        await res.body.dump();
        throw new SessionError(
          'bad-credentials',
          'The user name or password is wrong, or the account is locked or disabled.',
        );
      }
      if (res.status === 429) {
        await res.body.dump();
        throw new SessionError('rate-limited', 'Too many login attempts: wait a minute, then try again.');
      }
      if (res.status === 400) {
        const detail = await serverMessage(res);
        throw new SessionError('bad-credentials', `The server refused the login${detail}.`);
      }
      if (res.status !== 200) throw await unexpected(what, res);
      const body = await json(what, res);
      if (typeof body.token !== 'string' || body.token === '')
        throw new SessionError('server-error', `The cloud server ${serverUrl} sent no session token.`);
      return {
        token: body.token,
        expiresAt: typeof body.expiresAt === 'string' ? body.expiresAt : '',
        idleTimeoutSeconds: typeof body.idleTimeoutSeconds === 'number' ? body.idleTimeoutSeconds : 0,
      };
    },

    async me(token) {
      const what = 'GET /api/v1/me';
      const res = await send('Checking the session', {
        method: 'GET',
        path: '/api/v1/me',
        headers: bearer(token),
      });
      if (res.status === 401) {
        await res.body.dump();
        return null;
      }
      if (res.status !== 200) throw await unexpected(what, res);
      const body = await json(what, res);
      const user = record(body.user);
      const org = record(body.organization);
      const id = user.id;
      const username = user.username;
      const organizationId = user.organizationId ?? org.id;
      if (typeof id !== 'string' || typeof username !== 'string' || typeof organizationId !== 'string')
        throw new SessionError('server-error', `The cloud server ${serverUrl} did not say who is logged in.`);
      return { id, username, organizationId };
    },

    async policy(token) {
      const what = 'GET /api/v1/policy/effective';
      const res = await send('Reading the policy', {
        method: 'GET',
        path: '/api/v1/policy/effective',
        headers: bearer(token),
      });
      if (res.status !== 200) throw await unexpected(what, res);
      const policy = record((await json(what, res)).policy);
      const idle = policy.idleLogoutMinutes;
      return {
        idleLogoutMinutes: typeof idle === 'number' && idle > 0 ? idle : null,
        spoolingMode: typeof policy.spoolingMode === 'string' ? policy.spoolingMode : null,
      };
    },

    async ticketKeys(token) {
      const what = 'GET /api/v1/tickets/keys';
      const res = await send('Reading the ticket keys', {
        method: 'GET',
        path: '/api/v1/tickets/keys',
        headers: bearer(token),
      });
      if (res.status !== 200) throw await unexpected(what, res);
      const keys = (await json(what, res)).keys;
      return (Array.isArray(keys) ? keys : [])
        .map((k) => record(k))
        .filter((k) => k.alg === 'Ed25519' && typeof k.publicKey === 'string')
        .map((k) => k.publicKey as string);
    },

    async registerDesktop(token, hostName) {
      const what = 'the registration of this desktop';
      const res = await send('Registering this desktop', {
        method: 'POST',
        path: '/api/v1/devices/desktop',
        headers: { ...bearer(token), 'content-type': 'application/json' },
        body: JSON.stringify({ hostName }),
      });
      if (res.status === 403) {
        const detail = await serverMessage(res);
        throw new SessionError(
          'not-allowed',
          `This account cannot register this desktop${detail}: log in with a user of a customer organization.`,
        );
      }
      if (res.status === 409) {
        const detail = await serverMessage(res);
        throw new SessionError(
          'device-limit',
          `This desktop cannot be registered${detail}: ask your administrator to free a device licence.`,
        );
      }
      if (res.status !== 201 && res.status !== 200) throw await unexpected(what, res);
      const body = await json(what, res);
      const device = record(body.device);
      if (
        typeof body.token !== 'string' ||
        typeof device.id !== 'string' ||
        typeof device.organizationId !== 'string'
      )
        throw new SessionError('server-error', `The cloud server ${serverUrl} sent no device token.`);
      return { device: { id: device.id, organizationId: device.organizationId }, token: body.token };
    },

    async deviceSelf(deviceToken) {
      const what = 'GET /api/v1/devices/self';
      const res = await send('Checking this desktop', {
        method: 'GET',
        path: '/api/v1/devices/self',
        headers: { authorization: `Device ${deviceToken}` },
      });
      if (res.status === 401) {
        await res.body.dump();
        return null;
      }
      if (res.status !== 200) throw await unexpected(what, res);
      const body = await json(what, res);
      const device = record(body.device ?? body);
      if (typeof device.id !== 'string' || typeof device.organizationId !== 'string')
        throw new SessionError(
          'server-error',
          `The cloud server ${serverUrl} did not describe this desktop.`,
        );
      return { id: device.id, organizationId: device.organizationId };
    },

    async logout(token) {
      const res = await send('Logging out', {
        method: 'POST',
        path: '/api/v1/auth/logout',
        headers: bearer(token),
      });
      await res.body.dump();
    },
  };
}
