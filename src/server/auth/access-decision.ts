import type { Principal } from './principal.js';
import { roleAllows, rolesAllowed, type Access } from './roles.js';

/** What is known about a request's caller when a route decides. */
export interface AccessContext {
  principal: Principal | null;
  /** True when no token is configured (loopback only): every route is open. */
  open: boolean;
  /** True when a token was shown but is not configured (a typo, or a token rotated away). */
  unknownToken?: boolean;
}

/** Why a call is refused: 401 (no or unknown token) or 403 (a role that is not enough). */
export interface Refusal {
  status: 401 | 403;
  code: 'unauthorized' | 'forbidden';
  message: string;
  details: { required_role: Access; allowed_roles: string[]; role?: string };
}

/** Null when the caller may use a route that needs `access`; otherwise the refusal to answer. */
export function decideAccess(ctx: AccessContext, access: Access): Refusal | null {
  if (access === 'public' || ctx.open) return null;
  const allowed = rolesAllowed(access);
  const details = { required_role: access, allowed_roles: allowed };
  if (!ctx.principal)
    return {
      status: 401,
      code: 'unauthorized',
      message: `${ctx.unknownToken ? 'the token shown is not known to this server; ' : ''}this route needs a token with the ${access} role (any of: ${allowed.join(', ')}): send Authorization: Bearer <token> or sign in`,
      details,
    };
  if (roleAllows(ctx.principal.role, access)) return null;
  return {
    status: 403,
    code: 'forbidden',
    message: `this route needs the ${access} role (any of: ${allowed.join(', ')}); the token "${ctx.principal.name}" has the ${ctx.principal.role} role`,
    details: { ...details, role: ctx.principal.role },
  };
}
