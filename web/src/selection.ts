/** Most runs the compare view puts side by side. */
export const MAX_COMPARE = 4;
/** Most runs one selection holds (the API's `ids` filter takes up to 100). */
export const MAX_SELECTION = 100;
const KEY = 'eh-selection';

/** The runs selected in the list, kept for this tab across pages and filters. */
export class Selection {
  private readonly ids: string[];

  constructor(private readonly onChange: () => void = () => undefined) {
    let stored: unknown = [];
    try {
      stored = JSON.parse(sessionStorage.getItem(KEY) ?? '[]');
    } catch {
      stored = [];
    }
    this.ids = Array.isArray(stored)
      ? stored.filter((v): v is string => typeof v === 'string').slice(0, MAX_SELECTION)
      : [];
  }

  /** The selected ids, in the order they were chosen. */
  list(): readonly string[] {
    return this.ids;
  }

  has(id: string): boolean {
    return this.ids.includes(id);
  }

  /** Selects or unselects `id`; false when the selection is full. */
  set(id: string, on: boolean): boolean {
    const at = this.ids.indexOf(id);
    if (on && at < 0) {
      if (this.ids.length >= MAX_SELECTION) return false;
      this.ids.push(id);
    } else if (!on && at >= 0) this.ids.splice(at, 1);
    this.save();
    return true;
  }

  clear(): void {
    this.ids.splice(0);
    this.save();
  }

  private save(): void {
    sessionStorage.setItem(KEY, JSON.stringify(this.ids));
    this.onChange();
  }
}
