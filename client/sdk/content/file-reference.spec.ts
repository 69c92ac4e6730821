import { fileContent, MessageContentError } from './message-content.js';
import { fileSizeInWords, parseFileReference, safeFileName, type FileReference } from './file-reference.js';

const ref: FileReference = {
  type: 'file',
  attachmentId: '9e000000-0000-4000-8000-000000000001',
  name: 'referral.pdf',
  mediaType: 'application/pdf',
  size: 10,
  key: 'A'.repeat(43),
  header: 'B'.repeat(32),
  chunkSize: 65536,
};

describe('file references', () => {
  it('reads a reference, and refuses one whose key, header or chunk size is wrong', () => {
    expect(parseFileReference(ref)).toEqual(ref);
    expect(parseFileReference({ ...ref, key: 'A'.repeat(42) })).toBeNull();
    expect(parseFileReference({ ...ref, header: 'B'.repeat(43) })).toBeNull();
    expect(parseFileReference({ ...ref, chunkSize: 65537 })).toBeNull();
    expect(parseFileReference({ ...ref, name: '' })).toBeNull();
  });

  it('makes a file message with a caption, leaving a blank caption out', () => {
    expect(fileContent(ref, 'Form')).toEqual({ ...ref, caption: 'Form' });
    expect(fileContent(ref, '  ')).toEqual(ref);
    expect(() => fileContent({ ...ref, size: -1 })).toThrow(MessageContentError);
  });

  it.each([
    ['report.pdf', 'report.pdf'],
    ['../../.bashrc', '_bashrc'],
    ['C:\\Users\\x\\notes.txt', 'notes.txt'],
    ['a/b/', 'file'],
    ['..', 'file'],
    ['bad\u0000name\u001b[31m.txt', 'bad_name_[31m.txt'],
    ['what?*.doc', 'what__.doc'],
    ['x'.repeat(300), 'x'.repeat(200)],
  ])('saves "%s" as "%s": never a path, a hidden file or a control character', (name, safe) => {
    expect(safeFileName(name)).toBe(safe);
  });

  it('says a size in words', () => {
    expect([0, 1, 999, 1000, 307_207, 25 * 1024 * 1024].map(fileSizeInWords)).toEqual([
      '0 bytes',
      '1 byte',
      '999 bytes',
      '1.0 kB',
      '307 kB',
      '26 MB',
    ]);
  });
});
