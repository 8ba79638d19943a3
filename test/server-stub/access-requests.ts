// How the access-matrix test calls each route: the body, query, headers or URL a cell needs beyond the
// caller's credentials. A route without an entry is called with no body. To cover a new route, add its rows
// to server-stub/access-matrix.json and, if it reads a body or a query, a builder here (keyed like the matrix).
import { randomUUID } from 'node:crypto';
import { callerKind, jobBody, PASSWORD } from './access-fixture.js';
import type { AccessFixture, Caller, Target } from './access-fixture.js';

/** What a builder knows about the cell. */
export interface RequestInput {
  /** The target's id (an unknown one for the no-oracle comparison); '' for routes without a target. */
  id: string;
  target: Target | undefined;
  caller: Caller;
  fx: AccessFixture;
}

/** What a builder adds to the request. */
export interface RequestParts {
  url?: string;
  payload?: object | Buffer;
  query?: Record<string, string>;
  headers?: Record<string, string>;
}

/** Builds the route-specific part of a cell's request. */
export type RequestBuilder = (input: RequestInput) => RequestParts | Promise<RequestParts>;

/** The caller's desktop token (`CPS-Device`), when its organization can have desktops. */
async function desktopHeader({ caller, fx }: RequestInput): Promise<Record<string, string>> {
  const token = await fx.desktopOf(caller);
  return token ? { 'cps-device': token } : {};
}

/** A role that exists in the target's (or else the caller's) kind of organization. */
const plainRoleFor = (input: RequestInput) =>
  (input.target?.organizationKind ?? callerKind(input.caller.role)) === 'customer'
    ? 'customer_user'
    : 'provider_support';

/** Builders keyed by `METHOD path` as in the matrix. */
export const REQUESTS: Readonly<Record<string, RequestBuilder>> = {
  'POST /api/v1/auth/login': async ({ fx }) => ({ payload: await fx.newLogin() }),
  'GET /docs/static/*': () => ({ url: '/docs/static/swagger-ui.css' }),
  'GET /api/v1/reports/usage': () => ({ query: { by: 'user' } }),
  'POST /api/v1/organizations': ({ fx }) => ({ payload: { kind: 'customer', name: fx.unique('New org') } }),
  'PATCH /api/v1/organizations/:id': ({ fx }) => ({ payload: { name: fx.unique('Renamed org') } }),
  'POST /api/v1/organizations/:id/admins': ({ fx }) => ({
    payload: { username: fx.unique('new-admin'), password: PASSWORD },
  }),
  'POST /api/v1/users': (input) => ({
    payload: { username: input.fx.unique('new-user'), password: PASSWORD, role: plainRoleFor(input) },
  }),
  'PATCH /api/v1/users/:id': (input) => ({ payload: { role: plainRoleFor(input) } }),
  'PUT /api/v1/me/pin': () => ({ payload: { pin: '1234' } }),
  'PUT /api/v1/users/:id/pin': () => ({ payload: { pin: '1234' } }),
  // The default length, so that the PIN cells above stay valid whatever order the cells run in.
  'PUT /api/v1/organizations/:id/pin-settings': () => ({ payload: { pinLength: 4 } }),
  'POST /api/v1/devices': ({ fx }) => ({ payload: { kind: 'desktop', hostName: fx.unique('pc') } }),
  'POST /api/v1/devices/desktop': ({ fx }) => ({ payload: { hostName: fx.unique('pc') } }),
  'POST /api/v1/jobs': async (input) => ({
    headers: await desktopHeader(input),
    payload: jobBody(input.fx.unique('job')),
  }),
  'PUT /api/v1/jobs/:id/document': async (input) => ({
    headers: { ...(await desktopHeader(input)), 'content-type': 'application/pdf' },
    payload: input.fx.documentOf(input.id),
  }),
  'PATCH /api/v1/organizations/:id/policy': () => ({ payload: { retentionDays: 7 } }),
  'PUT /api/v1/users/:id/quota': () => ({ payload: { monthlyPageQuota: 100 } }),
  // The target user logs in at the caller's MFP (its device token rides in the caller's headers).
  'POST /api/v1/mfp/login': ({ id, fx }) => ({
    payload: { method: 'password', username: fx.usernameOf(id), password: PASSWORD },
  }),
  'POST /api/v1/mfp/cards': ({ fx }) => ({ payload: { cardId: fx.unique('CARD') } }),
  'POST /api/v1/mfp/jobs/:id/printed': () => ({ payload: { pages: 1, color: false, duplex: false } }),
  // The card's holder in the path; for the unknown-id comparison, the same holder and an unknown card.
  'DELETE /api/v1/users/:id/cards/:cardId': ({ id, target }) => ({
    url: `/api/v1/users/${encodeURIComponent(target?.ownerId ?? randomUUID())}/cards/${encodeURIComponent(id)}`,
  }),
};
