import type { ButtonHTMLAttributes, ComponentChildren, TextareaHTMLAttributes } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { app } from '../state/app.js';

let fieldCount = 0;
/** A stable id for a label and its control. */
export function useId(prefix: string): string {
  const ref = useRef<string | null>(null);
  ref.current ??= `${prefix}-${++fieldCount}`;
  return ref.current;
}

/** What a `Field` passes on to its input. */
interface InputOptions {
  type?: 'text' | 'email' | 'password' | 'search' | 'date' | 'datetime-local' | 'number';
  autoComplete?: string;
  inputMode?: 'numeric' | 'text' | 'email' | 'search';
  pattern?: string;
  required?: boolean;
  autoFocus?: boolean;
  spellcheck?: boolean;
  minLength?: number;
  maxLength?: number;
  min?: string;
  max?: string;
}

/** A labelled input with its hint and error tied to it, so a screen reader reads them together. */
export function Field(
  props: {
    label: string;
    hint?: string;
    error?: string | null;
    value: string;
    onInput: (value: string) => void;
  } & InputOptions,
) {
  const { label, hint, error, value, onInput, type = 'text', ...rest } = props;
  const id = useId('field');
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${error ? ' field-error' : ''}`}>
      <label for={id}>{label}</label>
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="error-text" id={`${id}-error`}>
          {error}
        </p>
      )}
      <input
        {...rest}
        // Preact types each input type apart, and this one component takes any of ours: tsc needs the
        // assertion (ESLint's type service does not see the union and calls it unnecessary).
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
        type={type as 'text'}
        id={id}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={described}
        onInput={(e) => onInput(e.currentTarget.value)}
      />
    </div>
  );
}

/** A labelled multi-line text box, with its hint and error tied to it as `Field` does. */
export function TextArea(
  props: {
    label: string;
    hint?: string;
    error?: string | null;
    value: string;
    onInput: (value: string) => void;
  } & Omit<TextareaHTMLAttributes, 'value' | 'onInput'>,
) {
  const { label, hint, error, value, onInput, ...rest } = props;
  const id = useId('text');
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${error ? ' field-error' : ''}`}>
      <label for={id}>{label}</label>
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="error-text" id={`${id}-error`}>
          {error}
        </p>
      )}
      <textarea
        {...rest}
        id={id}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={described}
        onInput={(e) => onInput(e.currentTarget.value)}
      />
    </div>
  );
}

/** A failure summary at the top of a form: announced at once and focused, as GOV.UK forms do. */
export function ErrorSummary({ error }: { error: string | null }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (error) ref.current?.focus();
  }, [error]);
  if (!error) return null;
  return (
    <div class="error-summary" role="alert" tabIndex={-1} ref={ref}>
      <h2>There is a problem</h2>
      <p>{error}</p>
    </div>
  );
}

/**
 * Runs a form's action with a busy flag and its failure as a message, so every form behaves the same:
 * the button says it is working, a second press does nothing, a failure is shown in plain words.
 */
export function useAction<A extends unknown[]>(action: (...args: A) => Promise<unknown>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (...args: A): Promise<boolean> => {
    if (busy) return false;
    setBusy(true);
    setError(null);
    try {
      await action(...args);
      return true;
    } catch (err) {
      setError(app.failed(err));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}

/** A page's main heading: sets the window title and takes focus when the screen changes. */
export function PageTitle({ children, title }: { children: ComponentChildren; title?: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  const text = title ?? (typeof children === 'string' ? children : '');
  useEffect(() => {
    document.title = text ? `${text} – Strongroom` : 'Strongroom';
    ref.current?.focus({ preventScroll: true });
  }, [text]);
  return (
    <h1 tabIndex={-1} ref={ref}>
      {children}
    </h1>
  );
}

/** A button that shows it is busy (and is not pressed twice). */
export function Button(
  props: { busy?: boolean; variant?: 'primary' | 'secondary' | 'warning' | 'link' } & ButtonHTMLAttributes,
) {
  const { busy, variant = 'primary', children, class: cls, ...rest } = props;
  return (
    <button
      type="button"
      {...rest}
      class={`button button-${variant}${typeof cls === 'string' ? ` ${cls}` : ''}`}
      aria-disabled={busy || undefined}
      disabled={rest.disabled}
    >
      {busy ? 'Working…' : children}
    </button>
  );
}

/** Dates as people here write them: 2 December 2026, 14:05. */
export const formatDate = (iso: string) =>
  new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric' });
export const formatDateTime = (iso: string) =>
  new Date(iso).toLocaleString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
export const formatTime = (iso: string) =>
  new Date(iso).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
