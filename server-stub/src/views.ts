// Stored records -> wire views: the one place that decides which fields leave the server.
import type { StoredCard } from './repositories/cards-repository.js';
import type { Device } from './repositories/devices-repository.js';
import type { JobLog } from './repositories/job-logs-repository.js';
import type { StoredJob } from './repositories/jobs-repository.js';
import type { Organization } from './repositories/organizations-repository.js';
import type { User } from './repositories/users-repository.js';
import type { CardView } from './schemas/cards.js';
import type { DeviceView } from './schemas/devices.js';
import type { JobLogView, JobView } from './schemas/jobs.js';
import type { OrganizationView } from './schemas/organizations.js';
import type { UserView } from './schemas/users.js';

/** The public face of a user; given the time, a lockout that has run out shows as none. */
export function toUserView(u: User, now?: number): UserView {
  const locked = u.lockedUntil !== null && (now === undefined || u.lockedUntil > now);
  return {
    id: u.id,
    username: u.username,
    role: u.role,
    organizationId: u.organizationId,
    disabled: u.disabled,
    lockedUntil: locked && u.lockedUntil !== null ? new Date(u.lockedUntil).toISOString() : null,
    group: u.group,
  };
}

/** The public face of an organization. */
export function toOrganizationView(o: Organization): OrganizationView {
  return { id: o.id, parentId: o.parentId, kind: o.kind, name: o.name, maxDevices: o.maxDevices };
}

/** The public face of a device: never its token hash. */
export function toDeviceView(d: Device): DeviceView {
  return {
    id: d.id,
    organizationId: d.organizationId,
    kind: d.kind,
    serialNumber: d.serialNumber,
    hostName: d.hostName,
    ipAddress: d.ipAddress,
    createdAt: new Date(d.createdAt).toISOString(),
    revokedAt: d.revokedAt === null ? null : new Date(d.revokedAt).toISOString(),
  };
}

/** The public face of a job: never its desktop address (only the owner's MFP session gets that). */
export function toJobView(j: StoredJob): JobView {
  return {
    id: j.id,
    clientJobId: j.clientJobId,
    desktopId: j.desktopId,
    spool: j.spool,
    name: j.name,
    pages: j.pages,
    size: j.size,
    sha256: j.sha256,
    options: j.options,
    state: j.state,
    createdAt: new Date(j.createdAt).toISOString(),
    expiresAt: new Date(j.expiresAt).toISOString(),
  };
}

/** The public face of a job log entry. */
export function toJobLogView(l: JobLog): JobLogView {
  return {
    jobId: l.jobId,
    name: l.name,
    deviceId: l.deviceId,
    spool: l.spool,
    pages: l.pages,
    sheets: l.sheets,
    color: l.color,
    duplex: l.duplex,
    printedAt: new Date(l.printedAt).toISOString(),
  };
}

/** The public face of an ID card: its hint, never the card id or its hash. */
export function toCardView(c: StoredCard): CardView {
  return {
    id: c.id,
    hint: c.hint,
    deviceId: c.deviceId,
    createdAt: new Date(c.createdAt).toISOString(),
    lastUsedAt: c.lastUsedAt === null ? null : new Date(c.lastUsedAt).toISOString(),
  };
}
