// Storage of users' own monthly page quotas. The only module that writes SQL for them.
import type { Database } from 'better-sqlite3';

/** User quota storage over one SQLite connection. */
export type UserQuotasRepository = ReturnType<typeof createUserQuotasRepository>;

/** Creates the user quota repository. */
export function createUserQuotasRepository(db: Database) {
  const byUser = db.prepare<[string], { monthly_page_quota: number }>(
    'SELECT monthly_page_quota FROM user_quotas WHERE user_id = ?',
  );
  const upsert = db.prepare<[string, number, number]>(
    `INSERT INTO user_quotas (user_id, monthly_page_quota, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (user_id) DO UPDATE SET
       monthly_page_quota = excluded.monthly_page_quota, updated_at = excluded.updated_at`,
  );
  const remove = db.prepare<[string]>('DELETE FROM user_quotas WHERE user_id = ?');

  return {
    /** The user's own quota in pages per month, or null when the user has none (inherits). */
    find(userId: string): number | null {
      return byUser.get(userId)?.monthly_page_quota ?? null;
    },
    /** Sets the user's own quota, or removes it (null) so the organization's applies. */
    set(userId: string, pages: number | null, at: number): void {
      if (pages === null) remove.run(userId);
      else upsert.run(userId, pages, at);
    },
  };
}
