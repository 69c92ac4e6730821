import { namePrefixQuery, nameWords } from './user-search.js';

describe('nameWords', () => {
  it.each([
    ['grace obi', ['grace', 'obi']],
    ['  Obi,   Grace ', ['Obi', 'Grace']],
    ["O'Brien", ['O', 'Brien']],
    ['Smith-Jones', ['Smith', 'Jones']],
    ['Zoë Łukasz', ['Zoë', 'Łukasz']],
    // A decomposed accent (e + U+0301) stays with its letter.
    ['Rene\u0301e', ['Rene\u0301e']],
    ['agent 007', ['agent', '007']],
    ['!!', []],
    ['', []],
  ])('%j', (q, words) => {
    expect(nameWords(q)).toEqual(words);
  });
});

describe('namePrefixQuery', () => {
  it('asks for a word starting with each word typed, all of them', () => {
    expect(namePrefixQuery('grace ob')).toBe('grace:* & ob:*');
  });

  it('lets no text-search operator through', () => {
    expect(namePrefixQuery("a' | !b & (c) <-> d:* \\e")).toBe('a:* & b:* & c:* & d:* & e:*');
  });

  it('is null when nothing typed could be part of a name', () => {
    expect(namePrefixQuery(' -- ')).toBeNull();
  });
});
