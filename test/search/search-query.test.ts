import { describe, expect, it } from 'vitest';
import { isPinyin, pinyinReadings } from '../../src/domain/pinyin.js';
import { parseSearchQuery } from '../../src/domain/search-query.js';
import { foldText, hanGrams, searchDocument } from '../../src/domain/search-text.js';

describe('parseSearchQuery', () => {
  it.each([
    ['三国', 'chinese'],
    ['三体 刘慈欣', 'chinese'],
    ['sanguoyanyi', 'pinyin'],
    ['San Guo Yan Yi', 'pinyin'],
    ['sān guó yǎn yì', 'pinyin'],
    ['nü er', 'pinyin'],
    ['hongl', 'pinyin'],
    ['sgyy', 'initials'],
    ['hlm', 'initials'],
    ['harry poter', 'english'],
    ['tolkein', 'english'],
    ['kleppmann', 'english'],
    ['978-7-02-000220-7', 'isbn'],
    ['0 7475 3269 9', 'isbn'],
    ['%', 'english'],
  ])('reads %j as %s', (query, kind) => {
    expect(parseSearchQuery(query).kind).toBe(kind);
  });

  it('normalises every reading of the query', () => {
    expect(parseSearchQuery('  Sān  Guó1 ')).toMatchObject({ letters: 'sanguo', pinyin: true });
    expect(parseSearchQuery('lǘ').letters).toBe('lv');
    expect(parseSearchQuery('演义三国').grams).toEqual(['演义', '义三', '三国']);
    expect(parseSearchQuery('家').grams).toEqual(['家']);
    expect(parseSearchQuery('Philosopher’s  STONE').words).toEqual(['philosophers', 'stone']);
    // An ISBN-10 is looked up as its ISBN-13.
    expect(parseSearchQuery('0-7475-3269-9').isbn).toBe('9780747532699');
  });

  it('reads nothing searchable into punctuation alone', () => {
    expect(parseSearchQuery('%_\\\'"')).toMatchObject({
      key: '',
      words: [],
      grams: [],
      letters: '',
    });
  });
});

describe('search documents', () => {
  it('fold text for comparison', () => {
    expect(foldText("Charlotte Brontë's  ＡＢＣ–１２３")).toBe('charlotte brontes abc 123');
  });

  it('keep one- and two-character Chinese grams', () => {
    expect(hanGrams('三体II：黑暗')).toEqual(['三', '三体', '体', '黑', '黑暗', '暗']);
  });

  it('read heteronyms every way, the likeliest first', () => {
    const readings = pinyinReadings('水浒传').map((r) => r.compact);
    expect(readings[0]).toBe('shuihuchuan');
    expect(readings).toContain('shuihuzhuan');
    expect(pinyinReadings('曾国藩', { surname: true }).map((r) => r.compact)).toEqual([
      'zengguofan',
    ]);
    expect(pinyinReadings('Dune')).toEqual([]);
  });

  it('recognise pinyin, finished or being typed', () => {
    expect(isPinyin('xianggang')).toBe(true);
    expect(isPinyin('hongl')).toBe(false);
    expect(isPinyin('hongl', { partial: true })).toBe(true);
    expect(isPinyin('tolkein', { partial: true })).toBe(false);
  });

  it('build a document from a book', () => {
    const doc = searchDocument({
      title: '三国演义',
      authors: [
        {
          text: '罗贯中',
          key: '罗贯中',
          pinyin: ['luoguanzhong'],
          pinyinSpaced: ['luo guan zhong'],
          initials: ['lgz'],
        },
      ],
    });
    expect(doc).toMatchObject({
      titleKey: '三国演义',
      titlePinyin: '|sanguoyanyi|',
      titleInitials: '|sgyy|',
      authors: '罗贯中',
      authorKeys: '|罗贯中|',
      authorPinyin: '|luoguanzhong|',
      initials: '|sgyy|lgz|',
    });
    expect(doc.pinyin).toContain('san guo yan yi');
    expect(doc.bigrams).toContain('三国');
  });
});
