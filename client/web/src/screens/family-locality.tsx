import { useState } from 'preact/hooks';
import type { FamilyView, LocalityView } from '../../../sdk/browser.js';
import { app } from '../state/app.js';
import { Select } from '../ui/choice.js';
import { Button, ErrorSummary, useAction } from '../ui/form.js';
import { useLoad } from '../ui/status.js';

/** The value of "no locality" in a drop-down list (a locality's value is its id). */
const NONE = 'none';

/** How a family's locality reads. */
export const localityText = (l: FamilyView['locality']) => l?.name ?? 'None recorded';

/** The ISA team's list of localities as drop-down options, "No locality recorded" first. */
export function useLocalityOptions() {
  const list = useLoad(() => app.secure.client.localities());
  const options = [
    { value: NONE, label: 'No locality recorded' },
    ...(list.data ?? []).map((l: LocalityView) => ({ value: l.id, label: l.name })),
  ];
  return { options, error: list.error, loaded: list.data !== null };
}

/** A drop-down list for choosing a family's locality when opening it. */
export function LocalityChoice(props: { value: string; onChange: (id: string | null) => void }) {
  const { options } = useLocalityOptions();
  return (
    <Select
      label="Locality (optional)"
      hint="The area of the partnership the family is supported in. It is not encrypted: it is counted in the programme report."
      value={props.value || NONE}
      options={options}
      onChange={(v) => props.onChange(v === NONE ? null : v)}
    />
  );
}

/**
 * Changing the locality a family is supported in: its lead worker (and its agency's administrator, from the
 * command line). A short list, never free text, because the server can read it.
 */
export function ChangeLocality(props: { family: FamilyView; onChanged: (said: string) => void }) {
  const [choice, setChoice] = useState<string>(props.family.locality?.id ?? NONE);
  const { options, error } = useLocalityOptions();
  const save = useAction(async () => {
    const after = await app.secure.client.setFamilyLocality(props.family.id, choice === NONE ? null : choice);
    props.onChanged(
      after.locality ? `The family is now in the ${after.locality.name} locality.` : 'No locality is recorded now.',
    );
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void save.run();
      }}
    >
      <ErrorSummary error={save.error ?? error} />
      <Select
        label="Change the locality"
        hint="The area of the partnership the family is supported in. It is not encrypted: it is counted in the programme report."
        value={choice}
        options={options}
        onChange={setChoice}
      />
      <Button busy={save.busy} type="submit">
        Save the locality
      </Button>
    </form>
  );
}
