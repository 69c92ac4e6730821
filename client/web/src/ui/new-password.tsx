import { useState } from 'preact/hooks';
import { MIN_PASSWORD_LENGTH } from '../../../../contracts/identity.js';
import { Field } from './form.js';

/** A new password typed twice, and the problem with it found here (the server checks its own rules too). */
export interface NewPassword {
  password: string;
  again: string;
  problem: string | null;
  setPassword: (value: string) => void;
  setAgain: (value: string) => void;
  /** Checks length and that both match, showing the problem beside the field; true when it may be sent. */
  check: () => boolean;
}

export function useNewPassword(): NewPassword {
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const check = () => {
    const found =
      password.length < MIN_PASSWORD_LENGTH
        ? `Use at least ${MIN_PASSWORD_LENGTH} characters.`
        : password !== again
          ? 'The two passwords are not the same.'
          : null;
    setProblem(found);
    return found === null;
  };
  return { password, again, problem, setPassword, setAgain, check };
}

/** The two fields of a new password: an invitation's first one, or a reset's. */
export function NewPasswordFields(props: { chosen: NewPassword; label: string; againLabel: string }) {
  const { chosen } = props;
  return (
    <>
      <Field
        label={props.label}
        hint={`At least ${MIN_PASSWORD_LENGTH} characters. A few unrelated words make a strong one.`}
        type="password"
        autoComplete="new-password"
        required
        error={chosen.problem}
        value={chosen.password}
        onInput={chosen.setPassword}
      />
      <Field
        label={props.againLabel}
        type="password"
        autoComplete="new-password"
        required
        value={chosen.again}
        onInput={chosen.setAgain}
      />
    </>
  );
}
