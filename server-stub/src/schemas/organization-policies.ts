// Wire types of organization policies: idle logout, password mode, spooling mode, monthly page quota, print
// policy and job retention, set on an organization and inherited down the tree.
import { errorRef, idParamsSchema } from './common.js';

/** The two password modes: whitepaper 3.2, or the stricter ASVS-style rules. */
export const PASSWORD_MODES = ['whitepaper', 'asvs'] as const;

/** One of the password modes. */
export type PasswordMode = (typeof PASSWORD_MODES)[number];

/** How the desktop keeps a captured job until release. */
export const SPOOLING_MODES = ['local', 'cloud'] as const;

/** One of the spooling modes. */
export type SpoolingMode = (typeof SPOOLING_MODES)[number];

/** What every print job of the organization is forced to. */
export interface PrintPolicy {
  forceMono: boolean;
  forceDuplex: boolean;
}

/** Every policy setting with its effective value. */
export interface PolicyValues {
  /** Minutes of inactivity after which the desktop logs its user out (tree-wide, root only). */
  idleLogoutMinutes: number;
  /** The password rules of the whole tree (root only). */
  passwordPolicy: PasswordMode;
  spoolingMode: SpoolingMode;
  /** Pages per calendar month; null means no quota. */
  monthlyPageQuota: number | null;
  printPolicy: PrintPolicy;
  /** Days an unprinted job waits for release before it is deleted. */
  retentionDays: number;
}

/** One name per setting. */
export type PolicySetting = keyof PolicyValues;

/** The overrides one organization stores; null means "not set here: inherit". */
export type PolicyOverrides = { [K in PolicySetting]: PolicyValues[K] | null };

/** Settings an organization may lock so that its descendants cannot override them. */
export const LOCKABLE_SETTINGS = [
  'spoolingMode',
  'monthlyPageQuota',
  'printPolicy',
  'retentionDays',
] as const;

/** A setting that can be locked. */
export type LockableSetting = (typeof LOCKABLE_SETTINGS)[number];

/** Settings of the whole tree, set on the root organization only (by its provider admins). */
export const TREE_WIDE_SETTINGS = ['idleLogoutMinutes', 'passwordPolicy'] as const;

/** The locks an organization places on its subtree. */
export type PolicyLocks = Record<LockableSetting, boolean>;

/** One effective value and where it comes from. */
export interface EffectiveSetting<T> {
  value: T;
  /** The organization whose override applies; null when it is the product default. */
  from: string | null;
  /** True when this organization may not override it (a parent locked it, or it is tree-wide). */
  locked: boolean;
}

/** The effective policy with the origin of every value. */
export type EffectivePolicy = { [K in PolicySetting]: EffectiveSetting<PolicyValues[K]> };

/** GET/PATCH /api/v1/organizations/:id/policy reply. */
export interface OrganizationPolicyView {
  organizationId: string;
  overrides: PolicyOverrides;
  locks: PolicyLocks;
  effective: EffectivePolicy;
}

/** GET /api/v1/policy/effective and /api/v1/policy/device reply. */
export interface EffectivePolicyReply {
  organizationId: string;
  policy: PolicyValues;
}

/** PATCH /api/v1/organizations/:id/policy body: a value sets an override, null clears it. */
export type UpdatePolicyBody = Partial<PolicyOverrides> & { locks?: Partial<PolicyLocks> };

/** Limits of the numeric settings (checked by the service, so its messages can name the range). */
export const POLICY_LIMITS = Object.freeze({
  idleLogoutMinutes: { min: 1, max: 1440 },
  monthlyPageQuota: { min: 0, max: 10_000_000 },
  retentionDays: { min: 1, max: 3650 },
});

const printPolicySchema = {
  type: 'object',
  required: ['forceMono', 'forceDuplex'],
  additionalProperties: false,
  properties: { forceMono: { type: 'boolean' }, forceDuplex: { type: 'boolean' } },
} as const;

const nullable = <S extends { type: string }>(s: S) => ({ ...s, type: [s.type, 'null'] }) as const;

/** JSON schemas of each setting's value (non-null). */
const valueSchemas = {
  idleLogoutMinutes: { type: 'integer', description: 'Minutes, 1 to 1440' },
  passwordPolicy: { type: 'string', enum: [...PASSWORD_MODES] },
  spoolingMode: { type: 'string', enum: [...SPOOLING_MODES] },
  monthlyPageQuota: { type: 'integer', description: 'Pages per month, 0 to 10000000' },
  printPolicy: printPolicySchema,
  retentionDays: { type: 'integer', description: 'Days, 1 to 3650' },
} as const;

const policyValuesSchema = {
  type: 'object',
  required: Object.keys(valueSchemas),
  additionalProperties: false,
  properties: { ...valueSchemas, monthlyPageQuota: nullable(valueSchemas.monthlyPageQuota) },
} as const;

const nullableValueSchemas = {
  idleLogoutMinutes: nullable(valueSchemas.idleLogoutMinutes),
  passwordPolicy: { type: ['string', 'null'], enum: [...PASSWORD_MODES, null] },
  spoolingMode: { type: ['string', 'null'], enum: [...SPOOLING_MODES, null] },
  monthlyPageQuota: nullable(valueSchemas.monthlyPageQuota),
  printPolicy: nullable(printPolicySchema),
  retentionDays: nullable(valueSchemas.retentionDays),
} as const;

const lockFlags = Object.fromEntries(LOCKABLE_SETTINGS.map((k) => [k, { type: 'boolean' }]));

const effectiveSettingSchema = (value: object) => ({
  type: 'object',
  required: ['value', 'from', 'locked'],
  additionalProperties: false,
  properties: { value, from: { type: ['string', 'null'] }, locked: { type: 'boolean' } },
});

/** JSON schema of OrganizationPolicyView. */
export const organizationPolicyViewSchema = {
  type: 'object',
  required: ['organizationId', 'overrides', 'locks', 'effective'],
  additionalProperties: false,
  properties: {
    organizationId: { type: 'string' },
    overrides: {
      type: 'object',
      required: Object.keys(valueSchemas),
      additionalProperties: false,
      properties: nullableValueSchemas,
    },
    locks: {
      type: 'object',
      required: [...LOCKABLE_SETTINGS],
      additionalProperties: false,
      properties: lockFlags,
    },
    effective: {
      type: 'object',
      required: Object.keys(valueSchemas),
      additionalProperties: false,
      properties: Object.fromEntries(
        Object.entries(policyValuesSchema.properties).map(([k, s]) => [k, effectiveSettingSchema(s)]),
      ),
    },
  },
} as const;

/** JSON schema of EffectivePolicyReply. */
export const effectivePolicyReplySchema = {
  type: 'object',
  required: ['organizationId', 'policy'],
  additionalProperties: false,
  properties: { organizationId: { type: 'string' }, policy: policyValuesSchema },
} as const;

/** Route schema of GET /api/v1/organizations/:id/policy. */
export const getOrganizationPolicySchema = {
  tags: ['policies'],
  summary: 'The stored overrides, locks and effective policy of an organization',
  security: [{ bearerAuth: [] }],
  params: idParamsSchema,
  response: { 200: organizationPolicyViewSchema, 401: errorRef, 403: errorRef, 404: errorRef },
} as const;

/** Route schema of PATCH /api/v1/organizations/:id/policy. */
export const updateOrganizationPolicySchema = {
  tags: ['policies'],
  summary: 'Set (value) or clear (null) policy overrides of an organization, and lock them for its subtree',
  security: [{ bearerAuth: [] }],
  params: idParamsSchema,
  body: {
    type: 'object',
    additionalProperties: false,
    properties: {
      ...nullableValueSchemas,
      locks: { type: 'object', additionalProperties: false, properties: lockFlags },
    },
  },
  response: {
    200: organizationPolicyViewSchema,
    400: errorRef,
    401: errorRef,
    403: errorRef,
    404: errorRef,
    409: errorRef,
  },
} as const;

/** Route schema of GET /api/v1/policy/effective. */
export const effectivePolicySchema = {
  tags: ['policies'],
  summary: "The effective policy of the caller's organization (what the desktop applies)",
  security: [{ bearerAuth: [] }],
  response: { 200: effectivePolicyReplySchema, 401: errorRef, 403: errorRef },
} as const;

/** Route schema of GET /api/v1/policy/device. */
export const devicePolicySchema = {
  tags: ['policies'],
  summary: "The effective policy of the calling device's organization (`Authorization: Device <token>`)",
  security: [{ deviceAuth: [] }],
  response: { 200: effectivePolicyReplySchema, 401: errorRef },
} as const;
