// Reads server-stub/access-matrix.json and expands each row into cells (route, role, relation, status).
// The file's format is described in its own "$comment".
import { readFileSync } from 'node:fs';
import { ROLES } from '../../server-stub/src/schemas/users.js';
import { CALLER_TYPES, relationsFor } from './access-fixture.js';
import type { CallerType, RelationName, TargetKind } from './access-fixture.js';

/** One status the matrix expects. */
export interface Cell {
  /** A role (its web session) or `mfp-session` (an MFP's device token with a user's MFP session). */
  role: CallerType;
  relation: RelationName;
  status: number;
}

/** A route's row, expanded. */
export interface RouteRows {
  /** `METHOD path` as registered. */
  route: string;
  method: string;
  path: string;
  target: TargetKind;
  cells: Cell[];
  /** Status for a caller with no credentials, and for an MFP's device token alone (no MFP session). */
  anonymous: number;
  device: number;
}

/** The matrix, expanded and checked. */
export interface Matrix {
  /** Routes open without credentials, with the status an anonymous caller gets. */
  public: Map<string, number>;
  routes: RouteRows[];
  /** Everything wrong with the file's rows; empty when they are well formed. */
  problems: string[];
}

const TARGETS: readonly TargetKind[] = ['none', 'organization', 'user', 'device', 'job', 'card'];
const isStatus = (v: unknown): v is number =>
  Number.isInteger(v) && (v as number) >= 100 && (v as number) <= 599;

/** Splits `METHOD path`. */
export function splitRoute(route: string): { method: string; path: string } {
  const space = route.indexOf(' ');
  return { method: route.slice(0, space), path: route.slice(space + 1) };
}

/** Expands one role's entry: a status for all relations, or per relation with `*` for the rest. */
function expand(
  route: string,
  role: CallerType,
  target: TargetKind,
  entry: unknown,
  problems: string[],
): Cell[] {
  const available = relationsFor(role, target);
  if (isStatus(entry)) return available.map((relation) => ({ role, relation, status: entry }));
  if (typeof entry !== 'object' || entry === null) {
    problems.push(
      `${route}: ${role} needs a status or { relation: status } (relations: ${available.join(', ')}).`,
    );
    return [];
  }
  const given = entry as Record<string, unknown>;
  const cells: Cell[] = [];
  for (const [relation, status] of Object.entries(given)) {
    if (!isStatus(status)) problems.push(`${route}: ${role} ${relation} is not an HTTP status.`);
    else if (relation !== '*' && !available.includes(relation as RelationName)) {
      problems.push(
        `${route}: ${role} has no ${target} in relation "${relation}" (has: ${available.join(', ')}).`,
      );
    }
  }
  for (const relation of available) {
    const status = given[relation] ?? given['*'];
    if (isStatus(status)) cells.push({ role, relation, status });
    else problems.push(`${route}: ${role} lacks a status for "${relation}" (or a "*").`);
  }
  return cells;
}

/** Reads and expands the matrix file. */
export function loadMatrix(file: URL): Matrix {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as {
    public?: Record<string, unknown>;
    routes?: Record<string, Record<string, unknown>>;
  };
  const problems: string[] = [];
  const publicRoutes = new Map<string, number>();
  for (const [route, status] of Object.entries(raw.public ?? {})) {
    if (isStatus(status)) publicRoutes.set(route, status);
    else problems.push(`public ${route}: not an HTTP status.`);
  }
  const routes: RouteRows[] = [];
  for (const [route, row] of Object.entries(raw.routes ?? {})) {
    const { method, path } = splitRoute(route);
    const target = row.target as TargetKind;
    if (!TARGETS.includes(target)) {
      problems.push(`${route}: "target" must be one of ${TARGETS.join(', ')}.`);
      continue;
    }
    for (const key of Object.keys(row)) {
      if (![...CALLER_TYPES, 'target', 'anonymous', 'device'].includes(key))
        problems.push(`${route}: unknown key "${key}".`);
    }
    const cells: Cell[] = [];
    for (const role of ROLES) {
      if (row[role] === undefined) problems.push(`${route}: no entry for ${role}.`);
      else cells.push(...expand(route, role, target, row[role], problems));
    }
    // A row that does not name the MFP session expects its 401: one cell, on the first relation it has.
    if (row['mfp-session'] !== undefined)
      cells.push(...expand(route, 'mfp-session', target, row['mfp-session'], problems));
    else
      cells.push({
        role: 'mfp-session',
        relation: relationsFor('mfp-session', target)[0] ?? 'none',
        status: 401,
      });
    const anonymous = row.anonymous ?? 401;
    const device = row.device ?? 401;
    if (!isStatus(anonymous) || !isStatus(device))
      problems.push(`${route}: anonymous and device take a status.`);
    routes.push({
      route,
      method,
      path,
      target,
      cells,
      anonymous: Number(anonymous),
      device: Number(device),
    });
  }
  return { public: publicRoutes, routes, problems };
}
