// Storage of devices and their token hashes. The only module that writes SQL for devices.
import type { Database } from 'better-sqlite3';
import type { DeviceKind } from '../schemas/devices.js';

/** A device as stored. tokenHash is the SHA-256 of its token and never leaves the server. */
export interface Device {
  id: string;
  organizationId: string;
  kind: DeviceKind;
  serialNumber: string | null;
  hostName: string;
  ipAddress: string | null;
  tokenHash: string;
  createdAt: number;
  revokedAt: number | null;
}

interface DeviceRow {
  id: string;
  organization_id: string;
  kind: DeviceKind;
  serial_number: string | null;
  host_name: string;
  ip_address: string | null;
  token_hash: string;
  created_at: number;
  revoked_at: number | null;
}

const toDevice = (r: DeviceRow): Device => ({
  id: r.id,
  organizationId: r.organization_id,
  kind: r.kind,
  serialNumber: r.serial_number,
  hostName: r.host_name,
  ipAddress: r.ip_address,
  tokenHash: r.token_hash,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});

/** Device storage over one SQLite connection. */
export type DevicesRepository = ReturnType<typeof createDevicesRepository>;

/** Creates the device repository. */
export function createDevicesRepository(db: Database) {
  const byId = db.prepare<[string], DeviceRow>('SELECT * FROM devices WHERE id = ?');
  const byHash = db.prepare<[string], DeviceRow>('SELECT * FROM devices WHERE token_hash = ?');
  const inOrganization = db.prepare<[string], DeviceRow>(
    'SELECT * FROM devices WHERE organization_id = ? ORDER BY created_at, id',
  );
  const inChildren = db.prepare<[string], DeviceRow>(
    `SELECT d.* FROM devices d JOIN organizations o ON o.id = d.organization_id
      WHERE o.parent_id = ? ORDER BY d.organization_id, d.created_at, d.id`,
  );
  const countActive = db.prepare<[string], { n: number }>(
    'SELECT count(*) AS n FROM devices WHERE organization_id = ? AND revoked_at IS NULL',
  );
  const insert = db.prepare<[DeviceRow]>(`INSERT INTO devices
    (id, organization_id, kind, serial_number, host_name, ip_address, token_hash, created_at, revoked_at)
    VALUES (@id, @organization_id, @kind, @serial_number, @host_name, @ip_address, @token_hash, @created_at, @revoked_at)`);
  const revoke = db.prepare<[number, string]>(
    'UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
  );

  return {
    /** The device with this id, or undefined. */
    findById(id: string): Device | undefined {
      const row = byId.get(id);
      return row && toDevice(row);
    },
    /** The device holding the token with this hash, or undefined. */
    findByTokenHash(tokenHash: string): Device | undefined {
      const row = byHash.get(tokenHash);
      return row && toDevice(row);
    },
    /** The devices of one organization, oldest first. */
    listByOrganization(organizationId: string): Device[] {
      return inOrganization.all(organizationId).map(toDevice);
    },
    /** The devices of the direct children of an organization. */
    listByParent(parentId: string): Device[] {
      return inChildren.all(parentId).map(toDevice);
    },
    /** How many devices of an organization hold a working token (what the licence counts). */
    countActive(organizationId: string): number {
      return countActive.get(organizationId)?.n ?? 0;
    },
    /** Inserts a device. */
    insert(d: Device): void {
      insert.run({
        id: d.id,
        organization_id: d.organizationId,
        kind: d.kind,
        serial_number: d.serialNumber,
        host_name: d.hostName,
        ip_address: d.ipAddress,
        token_hash: d.tokenHash,
        created_at: d.createdAt,
        revoked_at: d.revokedAt,
      });
    },
    /** Marks the device's token revoked (keeps the first revocation time). */
    revoke(id: string, at: number): void {
      revoke.run(at, id);
    },
  };
}
