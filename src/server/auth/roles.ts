import { z } from 'zod';

/**
 * The roles a token can hold: `viewer` reads runs, media and exports; `reviewer` also
 * annotates; `admin` may do everything (run, delete, erase); `ingest` only sends OTLP.
 */
export const RoleSchema = z.enum(['viewer', 'reviewer', 'admin', 'ingest']);
export type Role = z.infer<typeof RoleSchema>;

/** Every role, in the order tables list them. */
export const ROLES: readonly Role[] = RoleSchema.options;

/** What a route needs: a role (or one that includes it), or nothing (`public`). */
export type Access = Role | 'public';

const INCLUDES: Record<Role, readonly Role[]> = {
  viewer: ['viewer'],
  reviewer: ['viewer', 'reviewer'],
  admin: ['viewer', 'reviewer', 'admin', 'ingest'],
  ingest: ['ingest'],
};

/** True when `role` may use a route that needs `access`. */
export function roleAllows(role: Role, access: Access): boolean {
  return access === 'public' || INCLUDES[role].includes(access);
}

/** The roles that may use a route that needs `access` (for messages and the README table). */
export function rolesAllowed(access: Access): Role[] {
  return ROLES.filter((r) => roleAllows(r, access));
}
