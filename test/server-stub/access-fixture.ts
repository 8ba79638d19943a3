// The organization tree of the access-matrix test, built through the API, and the callers and targets of its
// cells. Provider callers sit in P and customer callers in CA, so that every relation of
// server-stub/access-matrix.json exists for both:
//
//   root ─┬─ P (provider) ─┬─ P1 (provider) ── C11 (customer)
//         │                ├─ CA (customer)
//         │                └─ CB (customer)
//         └─ Q (provider) ─── CQ (customer)
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { PROVIDER_ROLES } from '../../server-stub/src/schemas/users.js';
import type { Role } from '../../server-stub/src/schemas/users.js';
import { ADMIN, bearer, tokenFor } from './helper.js';

/** The password of every account of the fixture. */
export const PASSWORD = 'Matrix-Passw0rd!';

/** What a route acts on; `none` for routes without a target. */
export type TargetKind = 'none' | 'organization' | 'user' | 'device' | 'job';

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

/** The kind of organization a caller of this role sits in. */
export const callerKind = (role: Role): Kind =>
  (PROVIDER_ROLES as readonly Role[]).includes(role) ? 'provider' : 'customer';

/** The relations the fixture has a target in, for a caller of this role and a target of this kind. */
export function relationsFor(role: Role, target: TargetKind): RelationName[] {
  if (target === 'none') return ['none'];
  const places = Object.entries(PLACES[callerKind(role)]) as [RelationName, OrgKey][];
  return places
    .filter(([relation, org]) => {
      // An organization or a device has no "other record in the caller's organization" apart from `own`.
      if (relation === 'same-tenant' && (target === 'organization' || target === 'device')) return false;
      // Devices and jobs live in customer organizations only.
      if ((target === 'device' || target === 'job') && KIND[org] !== 'customer') return false;
      return true;
    })
    .map(([relation]) => relation);
}

/** A logged-in caller of a cell. */
export interface Caller {
  role: Role;
  userId: string;
  token: string;
  orgKey: OrgKey;
}

/** The record a cell acts on. */
export interface Target {
  id: string;
  organizationKind: Kind;
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

  /** A new account of `role` in `org`, logged in. */
  async function newUser(org: OrgKey, role: Role): Promise<Caller> {
    const username = unique(role);
    const user = await call('/api/v1/users', adminOf(org), { username, password: PASSWORD, role });
    return { role, userId: user.id, token: await tokenFor(app, username, PASSWORD), orgKey: org };
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

  const documents = new Map<string, Buffer>();
  /** A cloud job of `owner` waiting for its document (kept for the upload cells). */
  async function newJob(owner: Caller): Promise<string> {
    const doc = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(64), Buffer.from('\n%%EOF\n')]);
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/jobs',
      headers: { ...bearer(owner.token), 'cps-device': (await desktopOf(owner)) as string },
      payload: { ...jobBody(unique('job'), 'cloud'), size: doc.length, sha256: sha256(doc) },
    });
    if (res.statusCode !== 201) throw new Error(`fixture: POST /api/v1/jobs: ${res.statusCode} ${res.body}`);
    const id = (res.json() as { id: string }).id;
    documents.set(id, doc);
    return id;
  }

  const sharedCallers = new Map<Role, Caller>();
  const jobOwners = new Map<OrgKey, Caller>();
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
    async caller(role: Role, fresh: boolean): Promise<Caller> {
      const org = callerKind(role) === 'provider' ? 'P' : 'CA';
      if (fresh) return newUser(org, role);
      let caller = sharedCallers.get(role);
      if (!caller) sharedCallers.set(role, (caller = await newUser(org, role)));
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
          case 'organization':
            return orgId(org);
          case 'user':
            if (relation === 'own') return caller.userId;
            return (await newUser(org, plainRole(org))).userId;
          case 'device':
            return (await newDevice(org)).device.id;
          case 'job': {
            if (relation === 'own') return newJob(caller);
            let owner = jobOwners.get(org);
            if (!owner) jobOwners.set(org, (owner = await newUser(org, 'customer_user')));
            return newJob(owner);
          }
          case 'none':
            throw new Error('a route without a target has no target');
        }
      };
      // Organizations are never deleted by any route, so even changing cells share them.
      const id = fresh && kind !== 'organization' ? await make() : await cached(key, make);
      return { id, organizationKind };
    },

    desktopOf,

    /** The document a job was registered with (any PDF for an unknown id). */
    documentOf: (jobId: string) => documents.get(jobId) ?? Buffer.from('%PDF-1.7\n%%EOF\n'),

    /** The token of an MFP of CA (`Authorization: Device`), for the `device` column. */
    deviceToken: (await newDevice('CA')).token,

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
