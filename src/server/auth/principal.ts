import type { Role } from './roles.js';

/** Who a request acts for: the role and name of a token, shown directly or through a session. */
export interface Principal {
  role: Role;
  /** The token's name from the token list (for logs; never the token). */
  name: string;
  /** `bearer`: `Authorization: Bearer`; `session`: the browser session cookie. */
  via: 'bearer' | 'session';
}
