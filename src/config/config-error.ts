/** A configuration that cannot work; the message says which variable and why. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
