import type { MinutesDocument } from '../../../../contracts/sealed.js';
import { minutesTemplate, parseMinutesTemplate, TemplateError, type TemplateContext } from './minutes-template.js';

const agenda = [
  { id: '1', title: 'Welcome' },
  { id: '2', title: 'School attendance' },
];
const family: TemplateContext = { agenda, familyVoice: true, about: ['Minutes of the family meeting.'] };
const doc: MinutesDocument = {
  sections: [{ item: '2', notes: 'Attendance improving\n\nWalking bus suggested' }],
  familyVoice: 'Mornings are easier now',
};

describe('the minutes as text for an editor, and back', () => {
  it('shows every agenda item as a heading with its notes, the family’s voice, and how to write it', () => {
    const text = minutesTemplate(doc, family);
    expect(text).toContain('# Minutes of the family meeting.\n');
    expect(text).toContain('# Lines that start with a single # (like these) are left out of the minutes.\n');
    expect(text).toContain(
      '\n## 1. Welcome\n\n## 2. School attendance\nAttendance improving\n\nWalking bus suggested\n' +
        '\n## The family’s voice\nMornings are easier now\n',
    );
    expect(minutesTemplate(doc, { ...family, familyVoice: false })).not.toContain('family’s voice');
  });

  it('reads back exactly what it wrote, comments left out, even notes that start with # or \\', () => {
    const tricky: MinutesDocument = {
      sections: [
        { item: '1', notes: '# not a comment\n\\# nor this\n## nor a heading\n\\ a backslash' },
        { item: 'Housing', notes: 'Not on the agenda, kept' },
      ],
      familyVoice: 'We are fine',
    };
    const text = minutesTemplate(tricky, family);
    expect(text).toContain('\\# not a comment\n\\\\# nor this\n\\## nor a heading\n\\ a backslash\n');
    expect(text).toContain('\n## Housing\nNot on the agenda, kept\n');
    expect(parseMinutesTemplate(text, tricky, family)).toEqual(tricky);
    expect(parseMinutesTemplate(minutesTemplate(doc, family), doc, family)).toEqual(doc);
  });

  it('takes the edit: new notes, cleared notes, Windows line ends, headings typed loosely', () => {
    const edited = minutesTemplate(doc, family)
      .replace('## 1. Welcome\n', '## 1. Welcome\nAll introduced\n# a note to myself\n\n')
      .replace('Attendance improving\n\nWalking bus suggested\n', '\n')
      .replace('## The family’s voice', "##   the FAMILY'S voice")
      .replace(/\n/g, '\r\n');
    expect(parseMinutesTemplate(edited, doc, family)).toEqual({
      sections: [{ item: '1', notes: 'All introduced' }],
      familyVoice: 'Mornings are easier now',
    });
    const byTitle = '## welcome\nHello\n## 2\nMore\n## The family’s voice\n';
    expect(parseMinutesTemplate(byTitle, doc, family)).toEqual({
      sections: [
        { item: '1', notes: 'Hello' },
        { item: '2', notes: 'More' },
      ],
    });
  });

  it('with no agenda, a new heading is a new topic', () => {
    const none: TemplateContext = { agenda: [], familyVoice: false, about: [] };
    const text = minutesTemplate({ sections: [] }, none);
    expect(text).toContain('This meeting has no agenda: add a "## topic" heading for each topic.');
    expect(parseMinutesTemplate(`${text}\n## Budget\nAgreed\n`, { sections: [] }, none)).toEqual({
      sections: [{ item: 'Budget', notes: 'Agreed' }],
    });
  });

  it('refuses headings that no longer say where notes belong, saying which line and what to do', () => {
    const text = minutesTemplate(doc, family);
    const refused = (edited: string) => () => parseMinutesTemplate(edited, doc, family);
    expect(refused(text.replace('## 2. School attendance', '## 2. School atendance'))).toThrow(
      /Line \d+, "## 2\. School atendance", is not a heading of these minutes: the headings are "## 1\. Welcome", "## 2\. School attendance", "## The family’s voice"\./,
    );
    expect(refused(text.replace('## 1. Welcome\n', ''))).toThrow(
      'The heading "## 1. Welcome" is missing. Put it back: to clear notes, delete the text under a heading, not the heading.',
    );
    expect(refused(`${text}\n## 1. Welcome\nagain\n`)).toThrow(/the heading "## 1\. Welcome" is there twice/);
    expect(refused(`Stray words\n${text}`)).toThrow(/Line 1 is above the first heading/);
    expect(refused(`${text}\n##\n`)).toThrow(TemplateError);
  });
});
