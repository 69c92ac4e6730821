import { useEffect, useState } from 'preact/hooks';
import { approveDeviceByCode, type DeviceView } from '../../../sdk/browser.js';
import { app } from '../state/app.js';
import { Button, ErrorSummary, Field, formatDate, PageTitle, useAction } from '../ui/form.js';

/**
 * The person's devices: which are approved, which wait, approving a new one by its code, and revoking
 * one that is lost. Their safety number comes from the identity key this browser holds.
 */
export function Devices() {
  const [devices, setDevices] = useState<DeviceView[] | null>(null);
  const [safety, setSafety] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [approved, setApproved] = useState<string | null>(null);
  const load = useAction(async () => setDevices(await app.secure.client.myDevices()));
  const approve = useAction(async () => {
    const d = await approveDeviceByCode(app.secure.client, app.secure.device, code);
    setApproved(`Approved “${d.label}”. It now holds your identity key.`);
    setCode('');
    await load.run();
  });
  useEffect(() => {
    void load.run();
    void app.mySafetyNumber().then(setSafety);
  }, []);
  return (
    <main id="main">
      <PageTitle>Your devices</PageTitle>
      <h2>Your safety number</h2>
      <p>
        People you work with can compare this number with the one their Strongroom shows for you, in person or by phone.
        If the numbers match, nobody is standing in between.
      </p>
      <p class="safety-number">
        <code>{safety ?? '…'}</code>
      </p>
      <h2>Approve a new device</h2>
      <p>A new browser or computer of yours shows a 15-digit code while it waits. Type it here to approve it.</p>
      {approved && (
        <p class="notice" role="status">
          {approved}
        </p>
      )}
      <ErrorSummary error={approve.error} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setApproved(null);
          void approve.run();
        }}
      >
        <Field
          label="Code shown on the new device"
          inputMode="numeric"
          autoComplete="off"
          required
          value={code}
          onInput={setCode}
        />
        <Button type="submit" busy={approve.busy}>
          Approve device
        </Button>
      </form>
      <h2>All your devices</h2>
      <ErrorSummary error={load.error} />
      {devices === null ? (
        <p role="status">Loading…</p>
      ) : (
        <table class="table">
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">Added</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {devices.map((d) => (
              <DeviceRow key={d.id} d={d} onChange={() => void load.run()} />
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}

function DeviceRow({ d, onChange }: { d: DeviceView; onChange: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const revoke = useAction(async () => {
    await app.secure.client.revokeDevice(d.id, 'Revoked from the web');
    onChange();
  });
  const here = d.id === app.secure.deviceId;
  return (
    <tr>
      <th scope="row">
        {d.label}
        {here && ' (this browser)'}
      </th>
      <td>{formatDate(d.createdAt)}</td>
      <td>{d.revokedAt ? `Revoked ${formatDate(d.revokedAt)}` : d.approvedAt ? 'Approved' : 'Waiting for approval'}</td>
      <td>
        {!d.revokedAt &&
          !here &&
          (confirming ? (
            <span role="group" aria-label={`Revoke ${d.label}?`}>
              <Button variant="warning" busy={revoke.busy} onClick={() => void revoke.run()}>
                Yes, revoke
              </Button>{' '}
              <Button variant="link" onClick={() => setConfirming(false)}>
                Cancel
              </Button>
            </span>
          ) : (
            <Button variant="link" onClick={() => setConfirming(true)}>
              Revoke<span class="visually-hidden"> {d.label}</span>
            </Button>
          ))}
        {revoke.error && <p class="error-text">{revoke.error}</p>}
      </td>
    </tr>
  );
}
