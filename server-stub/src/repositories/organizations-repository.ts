// Storage of the organization tree. The only module that writes SQL for organizations.
import type { Database } from 'better-sqlite3';

/** A provider manages organizations below it; a customer is a leaf that prints. */
export type OrganizationKind = 'provider' | 'customer';

/** An organization as stored. parentId is null only for the root provider. */
export interface Organization {
  id: string;
  parentId: string | null;
  kind: OrganizationKind;
  name: string;
  createdAt: number;
  /** Licence data of a customer: the most devices registered at once; null for providers. */
  maxDevices: number | null;
}

interface OrganizationRow {
  id: string;
  parent_id: string | null;
  kind: OrganizationKind;
  name: string;
  created_at: number;
  max_devices: number | null;
}

const toOrganization = (r: OrganizationRow): Organization => ({
  id: r.id,
  parentId: r.parent_id,
  kind: r.kind,
  name: r.name,
  createdAt: r.created_at,
  maxDevices: r.max_devices,
});

/** Organization storage over one SQLite connection. */
export type OrganizationsRepository = ReturnType<typeof createOrganizationsRepository>;

/** Creates the organization repository. */
export function createOrganizationsRepository(db: Database) {
  const byId = db.prepare<[string], OrganizationRow>('SELECT * FROM organizations WHERE id = ?');
  const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM organizations');
  const insert = db.prepare<[OrganizationRow]>(
    `INSERT INTO organizations (id, parent_id, kind, name, created_at, max_devices)
      VALUES (@id, @parent_id, @kind, @name, @created_at, @max_devices)`,
  );
  const update = db.prepare<[{ id: string; name: string; max_devices: number | null }]>(
    'UPDATE organizations SET name = @name, max_devices = @max_devices WHERE id = @id',
  );
  const children = db.prepare<[string], OrganizationRow>(
    'SELECT * FROM organizations WHERE parent_id = ? ORDER BY name, id',
  );

  return {
    /** The organization with this id, or undefined. */
    findById(id: string): Organization | undefined {
      const row = byId.get(id);
      return row && toOrganization(row);
    },
    /** How many organizations exist (0 only before the bootstrap). */
    count(): number {
      return count.get()?.n ?? 0;
    },
    /** Inserts an organization; the database refuses a second root or a customer as parent. */
    insert(org: Omit<Organization, 'maxDevices'> & { maxDevices?: number | null }): void {
      insert.run({
        id: org.id,
        parent_id: org.parentId,
        kind: org.kind,
        name: org.name,
        created_at: org.createdAt,
        max_devices: org.maxDevices ?? null,
      });
    },
    /** Changes the name and licence data of an organization. */
    update(id: string, changes: { name: string; maxDevices: number | null }): void {
      update.run({ id, name: changes.name, max_devices: changes.maxDevices });
    },
    /** The direct children of an organization, by name. */
    listChildren(parentId: string): Organization[] {
      return children.all(parentId).map(toOrganization);
    },
  };
}
