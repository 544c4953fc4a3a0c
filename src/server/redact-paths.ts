const FILE_PATH = /(^|[\s'"(=,])((?:[A-Za-z]:)?[\\/][^\s'"(),]*)/g;

/** `message` with each absolute file path shortened to its last segment (URLs are kept). */
export function withoutPaths(message: string): string;
export function withoutPaths(message: string | null): string | null;
export function withoutPaths(message: string | null): string | null {
  if (message === null) return null;
  return message.replace(FILE_PATH, (_m, before: string, path: string) => {
    const last = path.split(/[\\/]/).filter(Boolean).at(-1) ?? '';
    return `${before}…/${last}`;
  });
}
