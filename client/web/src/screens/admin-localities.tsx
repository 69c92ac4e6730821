import { useState } from 'preact/hooks';
import { app } from '../state/app.js';
import { Button, ErrorSummary, Field, formatDate, PageTitle, useAction } from '../ui/form.js';
import { Status, useLoad } from '../ui/status.js';
import { Td } from '../ui/table.js';
import { AdminPage } from './admin.js';

/**
 * Localities (ISA 2.2): the areas the partnership is organised by, each with its Locality Meeting. The ISA
 * team keeps the list; a family's lead worker places the family in one, and the programme report counts by it.
 */
export function AdminLocalities() {
  const [changed, setChanged] = useState(0);
  const list = useLoad(() => app.secure.client.localities(), [changed]);
  const [status, setStatus] = useState<string | null>(null);
  const [name, setName] = useState('');
  const add = useAction(async () => {
    const added = await app.secure.client.addLocality(name);
    setName('');
    setStatus(`Locality ${added.name} added.`);
    setChanged((n) => n + 1);
  });
  return (
    <AdminPage part="localities" title="Localities">
      <PageTitle>Localities</PageTitle>
      <p>
        The areas of the partnership, each with its Locality Meeting. A family’s lead worker chooses one for the family,
        and the programme report counts families, referrals and actions by locality. A locality’s name is not encrypted:
        it is an area, never anything about a family.
      </p>
      <Status>{status}</Status>
      <ErrorSummary error={list.error} />
      {list.data === null ? (
        !list.error && <p role="status">Loading…</p>
      ) : list.data.length === 0 ? (
        <p>No localities yet.</p>
      ) : (
        <table class="table">
          <caption class="visually-hidden">Localities, by name</caption>
          <thead>
            <tr>
              <th scope="col">Locality</th>
              <th scope="col">Added</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((l) => (
              <tr key={l.id}>
                <th scope="row">{l.name}</th>
                <Td label="Added">{formatDate(l.createdAt)}</Td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {app.user.role === 'isa_admin' && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void add.run();
          }}
        >
          <h2>Add a locality</h2>
          <ErrorSummary error={add.error} />
          <Field
            label="Name"
            hint="An area’s name, such as North, Central or South."
            value={name}
            onInput={setName}
            maxLength={80}
            required
          />
          <Button busy={add.busy} type="submit">
            Add the locality
          </Button>
        </form>
      )}
    </AdminPage>
  );
}
