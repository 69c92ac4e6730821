import { useId } from './form.js';

/** One option of a choice: the value sent, and the words a person reads. */
export interface Option<V extends string = string> {
  value: V;
  label: string;
  hint?: string;
}

/** A labelled drop-down list, with its hint tied to it. */
export function Select<V extends string>(props: {
  label: string;
  hint?: string;
  value: V | '';
  options: readonly Option<V>[];
  onChange: (value: V) => void;
  /** Shown first, with no value, until a choice is made. */
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
        {props.placeholder !== undefined && (
          <option value="" disabled>
            {props.placeholder}
          </option>
        )}
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Radio buttons in a fieldset whose legend is the question: one answer of a few, all in view. */
export function Radios<V extends string>(props: {
  legend: string;
  hint?: string;
  name: string;
  value: V | '';
  options: readonly Option<V>[];
  onChange: (value: V) => void;
  /** Side by side when the answers are short (yes/no). */
  inline?: boolean;
}) {
  const id = useId('radios');
  return (
    <fieldset
      class={`choices${props.inline ? ' choices-inline' : ''}`}
      aria-describedby={props.hint ? `${id}-hint` : undefined}
    >
      <legend>{props.legend}</legend>
      {props.hint && (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      )}
      {props.options.map((o) => (
        <label class="check" key={o.value}>
          <input
            type="radio"
            name={`${id}-${props.name}`}
            value={o.value}
            checked={props.value === o.value}
            onChange={() => props.onChange(o.value)}
          />
          <span>
            {o.label}
            {o.hint && <span class="hint check-hint">{o.hint}</span>}
          </span>
        </label>
      ))}
    </fieldset>
  );
}

/** Checkboxes in a fieldset: any number of answers. */
export function Checkboxes<V extends string>(props: {
  legend: string;
  hint?: string;
  values: readonly V[];
  options: readonly Option<V>[];
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
      {props.options.map((o) => (
        <label class="check" key={o.value}>
          <input
            type="checkbox"
            value={o.value}
            checked={props.values.includes(o.value)}
            onChange={(e) =>
              props.onChange(
                e.currentTarget.checked ? [...props.values, o.value] : props.values.filter((v) => v !== o.value),
              )
            }
          />
          <span>
            {o.label}
            {o.hint && <span class="hint check-hint">{o.hint}</span>}
          </span>
        </label>
      ))}
    </fieldset>
  );
}
