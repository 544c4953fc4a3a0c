import { RecentMap } from './recent-map.js';

/** Bounded insertion-ordered set of ids: the oldest goes past `max`; adding again renews one. */
export class RecentIds {
  private readonly ids: RecentMap<string, true>;

  constructor(max: number) {
    this.ids = new RecentMap(max);
  }

  add(id: string): void {
    this.ids.set(id, true);
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }
}
