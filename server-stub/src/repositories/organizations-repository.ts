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
}

interface OrganizationRow {
  id: string;
  parent_id: string | null;
  kind: OrganizationKind;
  name: string;
  created_at: number;
}

const toOrganization = (r: OrganizationRow): Organization => ({
  id: r.id,
  parentId: r.parent_id,
  kind: r.kind,
  name: r.name,
  createdAt: r.created_at,
});

/** Organization storage over one SQLite connection. */
export type OrganizationsRepository = ReturnType<typeof createOrganizationsRepository>;

/** Creates the organization repository. */
export function createOrganizationsRepository(db: Database) {
  const byId = db.prepare<[string], OrganizationRow>('SELECT * FROM organizations WHERE id = ?');
  const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM organizations');
  const insert = db.prepare<[OrganizationRow]>(
    'INSERT INTO organizations (id, parent_id, kind, name, created_at) VALUES (@id, @parent_id, @kind, @name, @created_at)',
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
    insert(org: Organization): void {
      insert.run({
        id: org.id,
        parent_id: org.parentId,
        kind: org.kind,
        name: org.name,
        created_at: org.createdAt,
      });
    },
    /** The direct children of an organization, by name. */
    listChildren(parentId: string): Organization[] {
      return children.all(parentId).map(toOrganization);
    },
  };
}
