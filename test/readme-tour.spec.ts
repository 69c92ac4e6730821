import { definedBy, placeholderPattern, shellWords, tourLines } from './support/readme-tour.js';

/** The little shell the README tour test reads commands with: what it takes, and what it refuses. */
describe('reading the README tour', () => {
  const words = (text: string) => shellWords(text, 1).words.map((w) => w.text);

  it('splits words as a shell does: quotes, escapes, a trailing comment', () => {
    expect(words(`npx strongroom send <channel-id> "Moved to 2pm"   # a "comment"`)).toEqual([
      'npx',
      'strongroom',
      'send',
      '<channel-id>',
      'Moved to 2pm',
    ]);
    expect(words(`a 'it''s' "say \\"hi\\"" b\\ c --x=#1`)).toEqual(['a', 'its', 'say "hi"', 'b c', '--x=#1']);
    expect(shellWords('a b # prints <family-ref>', 1)).toMatchObject({
      comment: 'prints <family-ref>',
      command: 'a b',
    });
  });

  it('marks an unquoted ~ and * for expansion, and leaves quoted ones alone', () => {
    const [home, glob, quoted] = shellWords(`~/case-records ~/x/meeting-*.html "~/a*"`, 1).words;
    expect(home).toMatchObject({ tilde: true, glob: false });
    expect(glob).toMatchObject({ tilde: true, glob: true });
    expect(quoted).toMatchObject({ text: '~/a*', tilde: false, glob: false });
  });

  it('refuses shell syntax it does not run, so the README cannot rely on it unchecked', () => {
    for (const line of ['a | b', 'a > out', 'a; b', 'a && b', 'echo $HOME', 'a "$X"', 'a < in', 'a "open'])
      expect(() => shellWords(line, 7)).toThrow(/README line 7/);
  });

  it('reads only marked blocks, joins continued lines, and finds what a command says it prints', () => {
    const md = [
      '```sh',
      'npx strongroom not-in-the-tour',
      '```',
      '<!-- tour -->',
      '',
      '```sh',
      'npx strongroom families create   # prints <family-ref>',
      '',
      'npx strongroom meetings schedule <family-ref> \\',
      '  --agenda "Welcome"   # prints <meeting-id>',
      '```',
    ].join('\n');
    const lines = tourLines(md);
    expect(lines.map((l) => [l.line, l.command])).toEqual([
      [7, 'npx strongroom families create'],
      [9, 'npx strongroom meetings schedule <family-ref> --agenda "Welcome"'],
    ]);
    expect(lines.map(definedBy)).toEqual([['<family-ref>'], ['<meeting-id>']]);
    expect(() => tourLines('<!-- tour -->\n```sh\nnpx strongroom a \\\n```')).toThrow(/ends in \\/);
    expect(() => tourLines('<!-- tour -->\n\nnpx strongroom a')).toThrow(/just before/);
  });

  it('takes a placeholder’s value by the shape its name promises', () => {
    expect(placeholderPattern('<family-ref>').exec('Family EH-2026-0001 opened (id 4f…)')?.[0]).toBe('EH-2026-0001');
    const id = '992dd785-5b86-450e-9c7e-f32989083c2a';
    expect(placeholderPattern('<meeting-id>').exec(`Scheduled (id ${id}); 2 invited.`)?.[0]).toBe(id);
    expect(() => placeholderPattern('<meeting>')).toThrow(/ends in -ref/);
  });
});
