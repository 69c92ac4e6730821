import { useState } from 'preact/hooks';
import { fileSizeInWords, safeFileName, type FileReference } from '../../../sdk/browser.js';
import { app } from '../state/app.js';
import { Button, ErrorSummary, useAction } from './form.js';
import { saveToFile } from './save-file.js';

/**
 * A button that fetches an encrypted file through the SDK, which decrypts and checks each piece as it
 * arrives. Only a file whose every piece checked out is offered to the browser to save (under the
 * sender's name, without any folder in it); one that fails shows why, and nothing is saved. The browser
 * holds the file while it is saved (at most the server's limit, 25 MiB by default).
 */
export function FileDownload({ file }: { file: FileReference }) {
  const [done, setDone] = useState(0);
  const download = useAction(async () => {
    setDone(0);
    const parts: Uint8Array<ArrayBuffer>[] = [];
    for await (const piece of app.secure.downloadFile(file, { onProgress: (p) => setDone(p.bytes) })) {
      parts.push(piece as Uint8Array<ArrayBuffer>);
    }
    saveToFile(new Blob(parts, { type: file.mediaType || 'application/octet-stream' }), safeFileName(file.name));
  });
  const size = fileSizeInWords(file.size);
  return (
    <>
      <Button variant="secondary" busy={download.busy} onClick={() => void download.run()}>
        Download<span class="visually-hidden"> {file.name}</span>
      </Button>
      {download.busy && (
        <p class="hint" role="status">
          Downloading: {fileSizeInWords(done)} of {size}
        </p>
      )}
      <ErrorSummary error={download.error} />
    </>
  );
}
