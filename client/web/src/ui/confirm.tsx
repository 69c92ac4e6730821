import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Button, useAction, useId } from './form.js';

/**
 * A destructive action behind a second step: the first button asks, the question appears in its place
 * (and takes focus, so a screen reader reads it), and only "Yes" acts. Cancel, or Escape, puts focus
 * back on the first button. Anything the action needs (a reason) goes in `children`, shown with the
 * question.
 */
export function ConfirmButton(props: {
  /** The first button's words, e.g. "Disable account". */
  label: ComponentChildren;
  /** The question, in words that say what happens: "Disable Jo Bloggs’s account? Their sessions end at once." */
  question: string;
  /** The button that acts, e.g. "Yes, disable". */
  confirmLabel: string;
  onConfirm: () => Promise<unknown>;
  /** Called after the action worked (the panel closes first). */
  onDone?: () => void;
  variant?: 'link' | 'secondary' | 'warning';
  children?: ComponentChildren;
  /** False to keep the "Yes" button disabled (say, until a reason is given). */
  ready?: boolean;
}) {
  const [open, setOpen] = useState(false);
  const question = useRef<HTMLParagraphElement>(null);
  const opener = useRef<HTMLSpanElement>(null);
  const returnFocus = useRef(false);
  const id = useId('confirm');
  const act = useAction(async () => {
    await props.onConfirm();
    setOpen(false);
    props.onDone?.();
  });
  useEffect(() => {
    if (open) question.current?.focus();
    else if (returnFocus.current) opener.current?.querySelector('button')?.focus();
    returnFocus.current = false;
  }, [open]);
  const cancel = () => {
    returnFocus.current = true;
    act.setError(null);
    setOpen(false);
  };
  if (!open) {
    return (
      <span ref={opener}>
        <Button variant={props.variant ?? 'link'} onClick={() => setOpen(true)}>
          {props.label}
        </Button>
      </span>
    );
  }
  return (
    <div
      class="confirm"
      role="group"
      aria-labelledby={`${id}-q`}
      onKeyDown={(e) => {
        if (e.key === 'Escape') cancel();
      }}
    >
      <p id={`${id}-q`} class="confirm-question" tabIndex={-1} ref={question}>
        {props.question}
      </p>
      {props.children}
      {act.error && (
        <p class="error-text" role="alert">
          {act.error}
        </p>
      )}
      <div class="button-row">
        <Button variant="warning" busy={act.busy} disabled={props.ready === false} onClick={() => void act.run()}>
          {props.confirmLabel}
        </Button>
        <Button variant="secondary" onClick={cancel}>
          Cancel
        </Button>
      </div>
    </div>
  );
}
