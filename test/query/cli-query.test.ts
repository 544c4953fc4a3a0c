import { describe, expect, it } from 'vitest';
import { optionsOf, parseOptions, UsageError } from '../../src/query/cli-query.js';
import { BundleQuerySchema } from '../../src/query/list-queries.js';

describe('parseOptions', () => {
  it('gives the CLI options the HTTP query names, values and defaults', () => {
    expect(optionsOf(BundleQuerySchema, ['omit_text'])).toMatchObject({
      'safety-level': { type: 'string' },
      'omit-text': { type: 'boolean' },
      until: { type: 'string' },
    });
    const options = { 'safety-level': 'kids', until: '2026-12-02', limit: '3', 'omit-text': true };
    expect(parseOptions(options, BundleQuerySchema)).toEqual(
      BundleQuerySchema.parse({
        safety_level: 'kids',
        until: '2026-12-02',
        limit: '3',
        omit_text: '1',
      }),
    );
  });

  it('throws one line naming each invalid option and its value', () => {
    const attempt = () => parseOptions({ status: 'exploded', limit: '0' }, BundleQuerySchema);
    expect(attempt).toThrow(UsageError);
    expect(attempt).toThrow(
      /^invalid --status "exploded": .*expected one of .*completed.*; --limit "0": /,
    );
    try {
      attempt();
    } catch (error) {
      expect((error as Error).message).not.toContain('\n');
    }
  });
});
