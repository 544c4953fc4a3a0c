import { describe, expect, it } from 'vitest';
import { startupBanner, withoutPassword } from '../../src/server/startup-banner.js';

describe('startupBanner', () => {
  it('names the web view, the records directory, the media, the collector and Jaeger', () => {
    expect(
      startupBanner({
        webUrl: 'http://127.0.0.1:17801/',
        records: { kind: 'directory', path: '/srv/exports/executions' },
        mediaDir: '/srv/exports/media',
        collector: { url: 'http://127.0.0.1:4318/v1/traces', answers: true, required: false },
        jaeger: { url: 'http://localhost:16686', answers: true },
      }),
    ).toBe(
      [
        'execution-history is running',
        '  web view:   http://127.0.0.1:17801/',
        '  records:    /srv/exports/executions (one JSON file per run)',
        '  media:      /srv/exports/media',
        '  collector:  http://127.0.0.1:4318/v1/traces (answers)',
        '  Jaeger UI:  http://localhost:16686',
        '  stop with Ctrl-C; JSON logs follow',
        '',
      ].join('\n'),
    );
  });

  it('says what a missing collector and Jaeger mean, and shows a database without its password', () => {
    const text = startupBanner({
      webUrl: 'http://127.0.0.1:17801/',
      records: { kind: 'database', url: withoutPassword('postgres://eh:secret@db:5432/eh') },
      mediaDir: '/data/media',
      collector: { url: 'http://collector:4318/v1/traces', answers: false, required: true },
      jaeger: { url: 'http://localhost:16686', answers: false },
    });
    expect(text).toContain('records:    PostgreSQL postgres://eh@db:5432/eh\n');
    expect(text).not.toContain('secret');
    expect(text).toContain('does not answer: traces are held and retried; /health says degraded');
    expect(text).toContain('does not answer (run pages show their own timing chart)');
  });
});
