import type { Express } from 'express';
import type { Access } from '../../src/server/auth/roles.js';

/** A route the app registers: method (`USE` for a mounted middleware), full path, its guard's access. */
export interface AppRoute {
  method: string;
  path: string;
  /** What its `requires` guard says; undefined when the route has none. */
  access: Access | undefined;
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean>; stack: Layer[] };
  handle: { stack?: Layer[]; access?: Access };
  rawPath?: string;
}

const join = (prefix: string, path: string | undefined) =>
  !path || path === '/' ? prefix || '/' : `${prefix}${path}`;

function walk(stack: Layer[], prefix: string, out: AppRoute[]): void {
  const used = new Map<string, AppRoute>();
  for (const layer of stack) {
    if (layer.route) {
      const access = layer.route.stack.map((l) => l.handle.access).find(Boolean);
      for (const method of Object.keys(layer.route.methods).filter((m) => m !== '_all'))
        out.push({ method: method.toUpperCase(), path: join(prefix, layer.route.path), access });
    } else if (layer.handle.stack) {
      walk(layer.handle.stack, join(prefix, layer.rawPath).replace(/\/$/, ''), out);
    } else if (layer.rawPath && layer.rawPath !== '/') {
      // A middleware mounted at a path (static files, the fallback guard): one entry per path.
      const path = `${join(prefix, layer.rawPath)}/*`;
      const entry = used.get(path) ?? { method: 'USE', path, access: undefined };
      entry.access ??= layer.handle.access;
      if (!used.has(path)) out.push(entry);
      used.set(path, entry);
    }
  }
}

/** Every route and path-mounted middleware of an express app, walked from its router stack. */
export function appRoutes(app: Express): AppRoute[] {
  const out: AppRoute[] = [];
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '', out);
  return out;
}
