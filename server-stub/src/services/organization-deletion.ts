// Deleting a child organization (a provider admin's right over the organizations it created): the
// organization and everything of it go in one transaction (job log, jobs, users with their sessions, PINs,
// cards and quotas, devices, policies), then the documents of its cloud jobs leave the blob store. An
// organization that still has children is refused: deleting a whole subtree at once is too easy to regret.
import type { Database } from 'better-sqlite3';
import { HttpError } from '../errors.js';
import type { OrganizationsRepository } from '../repositories/organizations-repository.js';

/** Deletes organizations. */
export type OrganizationDeletion = ReturnType<typeof createOrganizationDeletion>;

/** Creates the service; `deleteDocuments` removes cloud documents by job id after the commit. */
export function createOrganizationDeletion(deps: {
  db: Database;
  organizations: OrganizationsRepository;
  deleteDocuments: (jobIds: string[]) => Promise<void>;
}) {
  const { db, organizations } = deps;
  const cloudJobs = db.prepare<[string], string>(
    "SELECT id FROM jobs WHERE organization_id = ? AND spool = 'cloud'",
  );
  // Order matters: rows that refer to users and devices go before them (ON DELETE RESTRICT elsewhere).
  const steps = [
    'DELETE FROM job_logs WHERE organization_id = ?',
    'DELETE FROM jobs WHERE organization_id = ?',
    'DELETE FROM id_cards WHERE organization_id = ?',
    'DELETE FROM users WHERE organization_id = ?',
    'DELETE FROM devices WHERE organization_id = ?',
    'DELETE FROM organizations WHERE id = ?',
  ].map((sql) => db.prepare<[string]>(sql));

  return {
    /** Deletes the organization `id` (the caller has checked the right to); 409 while it has children. */
    async delete(id: string): Promise<void> {
      const jobIds = db.transaction(() => {
        if (organizations.listChildren(id).length > 0) {
          throw new HttpError(
            409,
            'has_children',
            'This organization still has child organizations; delete those first.',
          );
        }
        const ids = cloudJobs.pluck().all(id);
        for (const step of steps) step.run(id);
        return ids;
      })();
      await deps.deleteDocuments(jobIds);
    },
  };
}
