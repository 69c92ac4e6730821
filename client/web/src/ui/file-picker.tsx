import { useState } from 'preact/hooks';
import { fileSizeInWords, type FileToSend, type TransferProgress } from '../../../sdk/browser.js';

/** Files a person chose to send, and how much of each has gone up while they are sent. */
export interface ChosenFiles {
  files: File[];
  /** Bytes sent so far, per file. */
  uploaded: number[];
  add: (chosen: File[]) => void;
  remove: (index: number) => void;
  clear: () => void;
  /** The files as the SDK reads them, streamed from the disk, never read whole into the page; progress restarts. */
  toSend: () => FileToSend[];
  /** For the SDK's `onProgress`: the file's index and its progress. */
  onProgress: (index: number, p: TransferProgress) => void;
}

export function useChosenFiles(): ChosenFiles {
  const [files, setFiles] = useState<File[]>([]);
  const [uploaded, setUploaded] = useState<number[]>([]);
  return {
    files,
    uploaded,
    add: (chosen) => {
      setFiles((list) => [...list, ...chosen]);
      setUploaded((list) => [...list, ...chosen.map(() => 0)]);
    },
    remove: (index) => {
      setFiles((list) => list.filter((_, j) => j !== index));
      setUploaded((list) => list.filter((_, j) => j !== index));
    },
    clear: () => {
      setFiles([]);
      setUploaded([]);
    },
    toSend: () => {
      setUploaded(files.map(() => 0));
      return files.map((f) => ({
        source: f.stream(),
        name: f.name,
        mediaType: f.type || 'application/octet-stream',
        size: f.size,
      }));
    },
    onProgress: (index, p) => setUploaded((list) => list.map((n, j) => (j === index ? p.bytes : n))),
  };
}

/**
 * "Files (optional)": a file input that adds to the list, each chosen file with its size and a button to
 * take it off again; while `busy` (sending), a progress bar per file in its place.
 */
export function FilePicker(props: { id: string; hint: string; chosen: ChosenFiles; busy: boolean }) {
  const { id, chosen, busy } = props;
  return (
    <fieldset class="files">
      <legend>Files (optional)</legend>
      <p class="hint" id={`${id}-hint`}>
        {props.hint} They are encrypted on this device before they are sent.
      </p>
      <label for={id}>Add files</label>
      <input
        id={id}
        type="file"
        multiple
        aria-describedby={`${id}-hint`}
        disabled={busy}
        onChange={(e) => {
          const input = e.currentTarget;
          chosen.add([...(input.files ?? [])]);
          input.value = '';
        }}
      />
      {chosen.files.length > 0 && (
        <ul class="file-list" aria-label="Files to send">
          {chosen.files.map((f, i) => (
            <li key={`${f.name}-${i}`}>
              <span>
                {f.name} ({fileSizeInWords(f.size)})
              </span>
              {busy ? (
                <progress max={f.size || 1} value={chosen.uploaded[i] ?? 0} aria-label={`Uploading ${f.name}`}>
                  {Math.round(((chosen.uploaded[i] ?? 0) * 100) / (f.size || 1))}%
                </progress>
              ) : (
                <button type="button" class="link" onClick={() => chosen.remove(i)}>
                  Remove {f.name}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}
