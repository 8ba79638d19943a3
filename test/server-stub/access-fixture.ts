// The organization tree of the access-matrix test, built through the API, and the callers and targets of its
// cells. Provider callers sit in P and customer callers in CA, so that every relation of
// server-stub/access-matrix.json exists for both (the `mfp-session` caller is a customer user of CA logged in
// at an MFP of CA):
//
//   root ─┬─ P (provider) ─┬─ P1 (provider) ── C11 (customer)
//         │                ├─ CA (customer)
//         │                └─ CB (customer)
//         └─ Q (provider) ─── CQ (customer)
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { PROVIDER_ROLES, ROLES } from '../../server-stub/src/schemas/users.js';
import type { Role } from '../../server-stub/src/schemas/users.js';
import { ADMIN, bearer, tokenFor } from './helper.js';

/** The password of every account of the fixture. */
export const PASSWORD = 'Matrix-Passw0rd!';

/** What a route acts on; `none` for routes without a target. */
export type TargetKind = 'none' | 'organization' | 'user' | 'device' | 'job' | 'card';

/**
 * Who calls: a role with its web session (`Authorization: Bearer`), or `mfp-session`: a customer user of CA
 * logged in at an MFP of CA, whose requests carry the MFP's device token and the MFP session.
 */
export type CallerType = Role | 'mfp-session';

/** Every caller type, in the order of the matrix's columns. */
export const CALLER_TYPES: readonly CallerType[] = [...ROLES, 'mfp-session'];

/** Where the target sits relative to the caller (see the matrix's $comment). */
export type RelationName =
  'own' | 'same-tenant' | 'parent' | 'sibling' | 'child' | 'grandchild' | 'other-root' | 'none';

type OrgKey = 'root' | 'P' | 'P1' | 'Q' | 'CA' | 'CB' | 'CQ' | 'C11';
type Kind = 'provider' | 'customer';

const KIND: Record<OrgKey, Kind> = {
  root: 'provider',
  P: 'provider',
  P1: 'provider',
  Q: 'provider',
  CA: 'customer',
  CB: 'customer',
  CQ: 'customer',
  C11: 'customer',
};

/** The parent of each organization of the tree. */
const PARENT: Record<Exclude<OrgKey, 'root'>, OrgKey> = {
  P: 'root',
  Q: 'root',
  P1: 'P',
  CA: 'P',
  CB: 'P',
  C11: 'P1',
  CQ: 'Q',
};

/** The organization of each relation, seen from a caller in P (providers) or in CA (customers). */
const PLACES: Record<Kind, Partial<Record<RelationName, OrgKey>>> = {
  provider: {
    own: 'P',
    'same-tenant': 'P',
    parent: 'root',
    sibling: 'Q',
    child: 'CA',
    grandchild: 'C11',
    'other-root': 'CQ',
  },
  customer: { own: 'CA', 'same-tenant': 'CA', parent: 'P', sibling: 'CB', 'other-root': 'CQ' },
};

/** The kind of organization a caller of this role (or an MFP session, of CA) sits in. */
export const callerKind = (role: CallerType): Kind =>
  (PROVIDER_ROLES as readonly CallerType[]).includes(role) ? 'provider' : 'customer';

/** The relations the fixture has a target in, for a caller of this role and a target of this kind. */
export function relationsFor(role: CallerType, target: TargetKind): RelationName[] {
  if (target === 'none') return ['none'];
  const places = Object.entries(PLACES[callerKind(role)]) as [RelationName, OrgKey][];
  return places
    .filter(([relation, org]) => {
      // An organization or a device has no "other record in the caller's organization" apart from `own`.
      if (relation === 'same-tenant' && (target === 'organization' || target === 'device')) return false;
      // Devices, jobs and ID cards live in customer organizations only.
      if ((target === 'device' || target === 'job' || target === 'card') && KIND[org] !== 'customer')
        return false;
      return true;
    })
    .map(([relation]) => relation);
}

/** A logged-in caller of a cell. */
export interface Caller {
  role: CallerType;
  userId: string;
  username: string;
  /** The user's web session (also held by an MFP-session caller, to set up its desktop and jobs). */
  token: string;
  /** The credentials the caller's requests carry: the bearer token, or the MFP's two headers. */
  headers: Record<string, string>;
  orgKey: OrgKey;
}

/** The record a cell acts on. */
export interface Target {
  id: string;
  organizationKind: Kind;
  /** The user holding a card or a job. */
  ownerId?: string;
}

/** The fixture, ready for cells. */
export type AccessFixture = Awaited<ReturnType<typeof buildAccessFixture>>;

/** Builds the tree, one setup admin per organization, a shared caller per role and an MFP of CA. */
export async function buildAccessFixture(app: FastifyInstance) {
  let counter = 0;
  const unique = (prefix: string) => `${prefix}-${++counter}`;

  /** A POST that must create something (201); its answer. */
  async function call<T = { id: string }>(url: string, token: string, payload: object): Promise<T> {
    const res = await app.inject({ method: 'POST', url, headers: bearer(token), payload });
    if (res.statusCode !== 201) throw new Error(`fixture: POST ${url}: ${res.statusCode} ${res.body}`);
    return res.json() as T;
  }

  const rootToken = await tokenFor(app, ADMIN.username, ADMIN.password);
  const me = (await app.inject({ url: '/api/v1/me', headers: bearer(rootToken) })).json() as {
    organization: { id: string };
  };
  const orgIds: Partial<Record<OrgKey, string>> = { root: me.organization.id };
  const adminTokens: Partial<Record<OrgKey, string>> = { root: rootToken };
  const orgId = (key: OrgKey) => orgIds[key] as string;
  const adminOf = (key: OrgKey) => adminTokens[key] as string;

  async function addOrganization(key: OrgKey, parent: OrgKey) {
    const kind = KIND[key];
    const body = { kind, name: `Org ${key}`, ...(kind === 'customer' ? { maxDevices: 100_000 } : {}) };
    orgIds[key] = (await call('/api/v1/organizations', adminOf(parent), body)).id;
    const username = unique(`setup-${key}`);
    await call(`/api/v1/organizations/${orgId(key)}/admins`, adminOf(parent), {
      username,
      password: PASSWORD,
    });
    adminTokens[key] = await tokenFor(app, username, PASSWORD);
  }
  await addOrganization('P', 'root');
  await addOrganization('Q', 'root');
  await addOrganization('P1', 'P');
  await addOrganization('CA', 'P');
  await addOrganization('CB', 'P');
  await addOrganization('C11', 'P1');
  await addOrganization('CQ', 'Q');

  const usernames = new Map<string, string>();
  /** A new account of `role` in `org`, logged in. */
  async function newUser(org: OrgKey, role: Role): Promise<Caller> {
    const username = unique(role);
    const user = await call('/api/v1/users', adminOf(org), { username, password: PASSWORD, role });
    usernames.set(user.id, username);
    const token = await tokenFor(app, username, PASSWORD);
    return { role, userId: user.id, username, token, headers: bearer(token), orgKey: org };
  }
  const plainRole = (org: OrgKey): Role => (KIND[org] === 'customer' ? 'customer_user' : 'provider_support');

  const desktops = new Map<string, string>();
  /** The device token of the caller's own desktop (registered on first use); none for provider callers. */
  async function desktopOf(caller: Caller): Promise<string | undefined> {
    if (KIND[caller.orgKey] !== 'customer') return undefined;
    let token = desktops.get(caller.userId);
    if (!token) {
      const res = await call<{ token: string }>('/api/v1/devices/desktop', caller.token, {
        hostName: unique('pc'),
      });
      token = res.token;
      desktops.set(caller.userId, token);
    }
    return token;
  }

  async function newDevice(org: OrgKey) {
    const body = {
      kind: 'mfp',
      serialNumber: unique('SN'),
      hostName: unique('mfp'),
      ipAddress: '192.0.2.10',
    };
    return call<{ device: { id: string }; token: string }>('/api/v1/devices', adminOf(org), body);
  }

  const mfps = new Map<OrgKey, Promise<string>>();
  /** The device token of an MFP of a customer organization (registered on first use). */
  const mfpOf = (org: OrgKey): Promise<string> => {
    let token = mfps.get(org);
    if (!token) mfps.set(org, (token = newDevice(org).then((d) => d.token)));
    return token;
  };

  /** Logs a user of `org` in (password) at the MFP of `org`; the two headers of its MFP requests. */
  async function mfpSession(org: OrgKey, username: string): Promise<Record<string, string>> {
    const device = await mfpOf(org);
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/mfp/login',
      headers: { authorization: `Device ${device}` },
      payload: { method: 'password', username, password: PASSWORD },
    });
    if (res.statusCode !== 200) throw new Error(`fixture: MFP login: ${res.statusCode} ${res.body}`);
    return { authorization: `Device ${device}`, 'cps-mfp-session': (res.json() as { token: string }).token };
  }

  /** A new customer user of CA logged in at the MFP of CA. */
  async function newMfpCaller(): Promise<Caller> {
    const user = await newUser('CA', 'customer_user');
    return { ...user, role: 'mfp-session', headers: await mfpSession('CA', user.username) };
  }

  /** Registers an ID card for `holder` at an MFP of its organization; the card's id. */
  async function newCard(holder: Caller): Promise<string> {
    const headers =
      holder.role === 'mfp-session' ? holder.headers : await mfpSession(holder.orgKey, holder.username);
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/mfp/cards',
      headers,
      payload: { cardId: unique('CARD') },
    });
    if (res.statusCode !== 201)
      throw new Error(`fixture: POST /api/v1/mfp/cards: ${res.statusCode} ${res.body}`);
    return (res.json() as { id: string }).id;
  }

  const documents = new Map<string, Buffer>();
  /** A cloud job of `owner`: waiting for its document (kept for the upload cells), or uploaded (`ready`). */
  async function newJob(owner: Caller, uploaded = false): Promise<string> {
    const doc = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(64), Buffer.from('\n%%EOF\n')]);
    const headers = { ...bearer(owner.token), 'cps-device': (await desktopOf(owner)) as string };
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/jobs',
      headers,
      payload: { ...jobBody(unique('job'), 'cloud'), size: doc.length, sha256: sha256(doc) },
    });
    if (res.statusCode !== 201) throw new Error(`fixture: POST /api/v1/jobs: ${res.statusCode} ${res.body}`);
    const id = (res.json() as { id: string }).id;
    documents.set(id, doc);
    if (uploaded) {
      const put = await app.inject({
        method: 'PUT',
        url: `/api/v1/jobs/${id}/document`,
        headers: { ...headers, 'content-type': 'application/pdf' },
        payload: doc,
      });
      if (put.statusCode !== 200) throw new Error(`fixture: PUT document: ${put.statusCode} ${put.body}`);
    }
    return id;
  }

  const sharedCallers = new Map<CallerType, Caller>();
  const jobOwners = new Map<OrgKey, Caller>();
  const cardHolders = new Map<OrgKey, Caller>();
  /** The target's holder, for cards and jobs. */
  const owners = new Map<string, string>();
  const heldBy = async (holderId: string, made: Promise<string>) => {
    const id = await made;
    owners.set(id, holderId);
    return id;
  };
  const sharedTargets = new Map<string, string>();
  const cached = async (key: string, make: () => Promise<string>) => {
    const found = sharedTargets.get(key);
    if (found) return found;
    const made = await make();
    sharedTargets.set(key, made);
    return made;
  };

  return {
    unique,

    /** The caller of a cell: the shared one of its role, or a new account (cells that change things). */
    async caller(role: CallerType, fresh: boolean): Promise<Caller> {
      const org = callerKind(role) === 'provider' ? 'P' : 'CA';
      const make = () => (role === 'mfp-session' ? newMfpCaller() : newUser(org, role));
      if (fresh) return make();
      let caller = sharedCallers.get(role);
      if (!caller) sharedCallers.set(role, (caller = await make()));
      return caller;
    },

    /** The target in `relation` to the caller: shared for reads, new for cells that change things. */
    async target(kind: TargetKind, relation: RelationName, caller: Caller, fresh: boolean): Promise<Target> {
      const org = PLACES[callerKind(caller.role)][relation];
      if (!org || !relationsFor(caller.role, kind).includes(relation)) {
        throw new Error(`the fixture has no ${kind} in relation ${relation} to a ${caller.role}`);
      }
      const organizationKind = KIND[org];
      // Only `own` depends on the caller; every other target of a kind and organization serves all callers.
      const key = `${kind}:${org}:${relation === 'own' ? caller.userId : ''}`;
      const make = async (): Promise<string> => {
        switch (kind) {
          case 'organization': {
            // A changing cell (DELETE) gets a new organization of the same kind under the same parent, so the
            // shared tree stays whole; own and parent stay what they are (no role may delete either).
            if (!fresh || ['own', 'same-tenant', 'parent'].includes(relation) || org === 'root')
              return orgId(org);
            const parent = PARENT[org];
            const body = { kind: KIND[org], name: unique(`Fresh ${org}`) };
            return (await call('/api/v1/organizations', adminOf(parent), body)).id;
          }
          case 'user':
            if (relation === 'own') return caller.userId;
            return (await newUser(org, plainRole(org))).userId;
          case 'device':
            return (await newDevice(org)).device.id;
          case 'job': {
            // The MFP-session caller's own job is uploaded, so that the MFP can fetch and print it.
            if (relation === 'own')
              return heldBy(caller.userId, newJob(caller, caller.role === 'mfp-session'));
            let owner = jobOwners.get(org);
            if (!owner) jobOwners.set(org, (owner = await newUser(org, 'customer_user')));
            return heldBy(owner.userId, newJob(owner));
          }
          case 'card': {
            if (relation === 'own') return heldBy(caller.userId, newCard(caller));
            // A card that a cell may delete gets a new holder: a holder keeps at most 10 cards.
            let holder = fresh ? undefined : cardHolders.get(org);
            if (!holder) {
              holder = await newUser(org, 'customer_user');
              if (!fresh) cardHolders.set(org, holder);
            }
            return heldBy(holder.userId, newCard(holder));
          }
          case 'none':
            throw new Error('a route without a target has no target');
        }
      };
      const id = fresh ? await make() : await cached(key, make);
      const ownerId = owners.get(id);
      return { id, organizationKind, ...(ownerId ? { ownerId } : {}) };
    },

    /** The username of a user of the fixture (a new one for an unknown id). */
    usernameOf: (userId: string) => usernames.get(userId) ?? unique('nobody'),

    desktopOf,

    /** The document a job was registered with (any PDF for an unknown id). */
    documentOf: (jobId: string) => documents.get(jobId) ?? Buffer.from('%PDF-1.7\n%%EOF\n'),

    /** The token of the MFP of CA (`Authorization: Device`), for the `device` column. */
    deviceToken: await mfpOf('CA'),

    /** Credentials of a fresh account, for the public login route. */
    async newLogin(): Promise<{ username: string; password: string }> {
      const username = unique('login');
      await call('/api/v1/users', adminOf('CA'), {
        username,
        password: PASSWORD,
        role: 'customer_user',
      });
      return { username, password: PASSWORD };
    },
  };
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A minimal valid POST /api/v1/jobs body: a job held on its desktop, or one whose PDF goes to the cloud. */
export function jobBody(name: string, spool: 'local' | 'cloud' = 'local') {
  return {
    clientJobId: randomBytes(16).toString('hex'),
    spool,
    name,
    pages: 1,
    size: 100,
    sha256: 'a'.repeat(64),
    options: { copies: 1, sides: 'one-sided', colorMode: 'auto', media: 'iso_a4_210x297mm' },
    ...(spool === 'local' ? { location: 'https://192.0.2.7:5571' } : {}),
  };
}
