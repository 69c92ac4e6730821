import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { useId } from './form.js';

/** One option of a select or a group of radios. */
export interface Choice<V extends string> {
  value: V;
  label: string;
}

/** A labelled drop-down list, with its hint tied to it. */
export function SelectField<V extends string>(props: {
  label: string;
  hint?: string;
  value: V | '';
  choices: readonly Choice<V>[];
  onChange: (value: V) => void;
  /** Shown first with an empty value, when nothing is chosen yet. */
  placeholder?: string;
  required?: boolean;
}) {
  const id = useId('select');
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.hint && (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      )}
      <select
        id={id}
        value={props.value}
        required={props.required}
        aria-describedby={props.hint ? `${id}-hint` : undefined}
        onChange={(e) => props.onChange(e.currentTarget.value as V)}
      >
        {props.placeholder !== undefined && <option value="">{props.placeholder}</option>}
        {props.choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Radios in a fieldset whose legend is the question; `inline` lays them out in a row where there is room. */
export function RadioGroup<V extends string>(props: {
  legend: ComponentChildren;
  hint?: string;
  name: string;
  value: V | null;
  choices: readonly Choice<V>[];
  onChange: (value: V) => void;
  inline?: boolean;
  /** A legend that only screen readers hear (the question is already visible nearby). */
  legendHidden?: boolean;
}) {
  const id = useId('radios');
  return (
    <fieldset
      class={props.inline ? 'choices choices-inline' : 'choices'}
      aria-describedby={props.hint ? `${id}-hint` : undefined}
    >
      <legend class={props.legendHidden ? 'visually-hidden' : undefined}>{props.legend}</legend>
      {props.hint && (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      )}
      {props.choices.map((c) => (
        <label class="check" key={c.value}>
          <input
            type="radio"
            name={props.name}
            value={c.value}
            checked={props.value === c.value}
            onChange={() => props.onChange(c.value)}
          />
          <span>{c.label}</span>
        </label>
      ))}
    </fieldset>
  );
}

/** Checkboxes in a fieldset: any number of the choices. */
export function CheckboxGroup<V extends string>(props: {
  legend: string;
  hint?: string;
  values: readonly V[];
  choices: readonly Choice<V>[];
  onChange: (values: V[]) => void;
}) {
  const id = useId('checks');
  return (
    <fieldset class="choices" aria-describedby={props.hint ? `${id}-hint` : undefined}>
      <legend>{props.legend}</legend>
      {props.hint && (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      )}
      {props.choices.map((c) => (
        <label class="check" key={c.value}>
          <input
            type="checkbox"
            value={c.value}
            checked={props.values.includes(c.value)}
            onChange={(e) =>
              props.onChange(
                e.currentTarget.checked ? [...props.values, c.value] : props.values.filter((v) => v !== c.value),
              )
            }
          />
          <span>{c.label}</span>
        </label>
      ))}
    </fieldset>
  );
}

/**
 * A status line that screen readers announce when its text changes. The region is always in the page
 * (an empty one is hidden), because a live region added together with its text is often not announced.
 */
export function StatusMessage({ text }: { text: string | null }) {
  return (
    <p role="status" class={text ? 'notice' : 'visually-hidden'}>
      {text ?? ''}
    </p>
  );
}

/**
 * The second step of something that cannot be undone: the question, what happens, and the two answers.
 * It takes focus when it appears so a keyboard or screen-reader user lands on the question.
 */
export function ConfirmPanel(props: { title: string; children: ComponentChildren }) {
  const ref = useRef<HTMLDivElement>(null);
  const id = useId('confirm');
  useEffect(() => ref.current?.focus(), []);
  return (
    <div class="confirm-panel" role="group" aria-labelledby={id} tabIndex={-1} ref={ref}>
      <h3 id={id}>{props.title}</h3>
      {props.children}
    </div>
  );
}
