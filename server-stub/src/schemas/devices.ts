// Wire types of devices (whitepaper section 6): MFPs and desktop clients of a customer organization.
import { errorRef, idParamsSchema } from './common.js';

/** What kind of client a device is. */
export type DeviceKind = 'mfp' | 'desktop';

/** A device as the API shows it: never its token or the token's hash. */
export interface DeviceView {
  id: string;
  organizationId: string;
  kind: DeviceKind;
  serialNumber: string | null;
  hostName: string;
  ipAddress: string | null;
  createdAt: string;
  /** When the device token was revoked; null while it works. */
  revokedAt: string | null;
}

/** JSON schema of DeviceView. */
export const deviceViewSchema = {
  type: 'object',
  required: [
    'id',
    'organizationId',
    'kind',
    'serialNumber',
    'hostName',
    'ipAddress',
    'createdAt',
    'revokedAt',
  ],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    organizationId: { type: 'string' },
    kind: { type: 'string', enum: ['mfp', 'desktop'] },
    serialNumber: { type: ['string', 'null'] },
    hostName: { type: 'string' },
    ipAddress: { type: ['string', 'null'] },
    createdAt: { type: 'string', format: 'date-time' },
    revokedAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

/** POST /api/v1/devices body: an MFP needs serial number, host name and IP; a desktop only its host name. */
export type RegisterDeviceBody =
  | { kind: 'mfp'; serialNumber: string; hostName: string; ipAddress: string }
  | { kind: 'desktop'; hostName: string; serialNumber?: string; ipAddress?: string };

/** POST /api/v1/devices answer: the device and its token, shown this once. */
export interface RegisterDeviceReply {
  device: DeviceView;
  /** Opaque token for `Authorization: Device <token>`; the server keeps only its SHA-256. */
  token: string;
  tokenType: 'Device';
}

const hostName = {
  type: 'string',
  // RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens.
  pattern:
    '^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$',
} as const;

/** Route schema of POST /api/v1/devices. */
export const registerDeviceSchema = {
  tags: ['devices'],
  summary: "Register an MFP or desktop client in the caller's customer organization",
  security: [{ bearerAuth: [] }],
  // One object schema with if/then/else, not oneOf: Fastify's Ajv strips unknown properties
  // (removeAdditional), which inside a failing oneOf branch would delete the fields of the other kind.
  body: {
    type: 'object',
    required: ['kind', 'hostName'],
    additionalProperties: false,
    properties: {
      kind: { type: 'string', enum: ['mfp', 'desktop'] },
      serialNumber: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' },
      hostName,
      ipAddress: { type: 'string', anyOf: [{ format: 'ipv4' }, { format: 'ipv6' }] },
    },
    if: { properties: { kind: { const: 'mfp' } } },
    then: { required: ['serialNumber', 'ipAddress'] },
  },
  response: {
    201: {
      type: 'object',
      required: ['device', 'token', 'tokenType'],
      additionalProperties: false,
      properties: {
        device: deviceViewSchema,
        token: { type: 'string' },
        tokenType: { type: 'string', enum: ['Device'] },
      },
    },
    400: errorRef,
    401: errorRef,
    403: errorRef,
    409: errorRef,
  },
} as const;

/** POST /api/v1/devices/desktop body. */
export interface RegisterDesktopBody {
  hostName: string;
}

/** Route schema of POST /api/v1/devices/desktop (the desktop client registering itself at first login). */
export const registerDesktopSchema = {
  tags: ['devices'],
  summary: "Register the caller's desktop client in the caller's customer organization",
  security: [{ bearerAuth: [] }],
  body: {
    type: 'object',
    required: ['hostName'],
    additionalProperties: false,
    properties: { hostName },
  },
  response: registerDeviceSchema.response,
} as const;

/** Route schema of GET /api/v1/devices. */
export const listDevicesSchema = {
  tags: ['devices'],
  summary: "Devices of the caller's customer organization, or (providers) of its child customers",
  security: [{ bearerAuth: [] }],
  response: {
    200: {
      type: 'object',
      required: ['devices'],
      additionalProperties: false,
      properties: { devices: { type: 'array', items: deviceViewSchema } },
    },
    401: errorRef,
    403: errorRef,
  },
} as const;

/** Params with a device id. */
export interface DeviceParams {
  id: string;
}

/** Route schema of GET /api/v1/devices/:id. */
export const getDeviceSchema = {
  tags: ['devices'],
  summary: 'One device the caller may see',
  security: [{ bearerAuth: [] }],
  params: idParamsSchema,
  response: { 200: deviceViewSchema, 401: errorRef, 404: errorRef },
} as const;

/** Route schema of POST /api/v1/devices/:id/revoke. */
export const revokeDeviceSchema = {
  tags: ['devices'],
  summary: 'Revoke the token of a device at once (idempotent)',
  security: [{ bearerAuth: [] }],
  params: idParamsSchema,
  response: { 200: deviceViewSchema, 401: errorRef, 404: errorRef },
} as const;

/** Route schema of GET /api/v1/devices/self. */
export const deviceSelfSchema = {
  tags: ['devices'],
  summary: 'The calling device, authenticated by `Authorization: Device <token>`',
  security: [{ deviceAuth: [] }],
  response: { 200: deviceViewSchema, 401: errorRef },
} as const;
