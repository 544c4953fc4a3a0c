import { describe, expect, it } from 'vitest';
import { lexemes, queryWords, textLexemes, words } from '../../../src/store/search/search-terms.js';
import { promptExcerpt, searchTexts } from '../../../src/store/search/search-texts.js';
import { buildItem, buildRecord } from '../../helpers/record-builder.js';

describe('search terms', () => {
  it('splits at everything but letters and digits, lower-cased', () => {
    expect(words('Ein Drache—über 3 Häuser! (rot/grün)')).toEqual([
      'ein',
      'drache',
      'über',
      '3',
      'häuser',
      'rot',
      'grün',
    ]);
  });

  it('gives a German and an English stem, none for a stop word of that language', () => {
    expect(lexemes('häuser')).toEqual(['haus', 'häuser']);
    expect(lexemes('dragons')).toEqual(['dragon']);
    expect(lexemes('die')).toEqual(['die']); // a German stop word, an English verb
    expect(lexemes('the')).toEqual(['the']); // an English stop word, not a German one
    expect(lexemes('in')).toEqual([]);
    expect(lexemes('b52')).toEqual(['b52']);
    expect([...textLexemes('Die Katzen schlafen')]).toEqual([
      'die',
      'katz',
      'katzen',
      'schlaf',
      'schlafen',
    ]);
  });

  it('stems a word the same again, also after more distinct words than it keeps', () => {
    const first = lexemes('gärten');
    for (let i = 0; i < 12_000; i++) lexemes(`wort${String.fromCharCode(97 + (i % 26))}${i}`);
    expect(lexemes('gärten')).toEqual(first);
    expect(lexemes('gärten')).toEqual(['gart', 'gärten']);
  });

  it('keeps at most 8 distinct query words that count, from the first 200 characters', () => {
    expect(queryWords('in an Drache drache DRACHE Hund')).toEqual(['drache', 'hund']);
    expect(queryWords('a1 a2 a3 a4 a5 a6 a7 a8 a9')).toHaveLength(8);
    expect(queryWords(`${'x'.repeat(199)} hund`)).toEqual(['x'.repeat(199)]);
  });
});

describe('search texts', () => {
  it('takes the first prompt, translation and final prompt, skipping withheld content', () => {
    const base = buildRecord();
    const record = {
      ...base,
      items: [
        buildItem(1, 'user_input_text', 1, { content: null }),
        buildItem(2, 'translation_result', 1, { content: 'first' }),
        buildItem(3, 'translation_result', 1, { content: 'second' }),
        buildItem(4, 'interception_final', 2, { content: '' }),
      ],
    };
    expect(searchTexts(record)).toEqual({
      original: null,
      translation: 'first',
      finalPrompt: null,
    });
  });

  it('cuts the excerpt at 120 characters with an ellipsis, whitespace collapsed', () => {
    const texts = { translation: null, finalPrompt: null };
    expect(promptExcerpt({ ...texts, original: ' Ein \n Hund ' })).toBe('Ein Hund');
    const long = promptExcerpt({ ...texts, original: '🐕'.repeat(130) })!;
    expect([...long]).toHaveLength(120);
    expect(long.endsWith('🐕…')).toBe(true);
    expect(promptExcerpt({ ...texts, original: null })).toBeNull();
  });
});
