import { useEffect, useState } from 'preact/hooks';
import { IdentityChangedError, type ChannelView, type DecryptedMessage } from '../../../sdk/browser.js';
import { Link } from '../router.js';
import { app } from '../state/app.js';
import { useObservable } from '../state/observable.js';
import { acceptIdentity, markChecked, personTrust, type PersonTrust } from '../state/trust.js';
import {
  HOW_TO_COMPARE,
  IDENTITY_KEY_EXPLAINED,
  identityChangedWords,
  keysChangedWords,
  NOTHING_REACHES_THEM,
} from '../state/trust-words.js';
import { Button, ErrorSummary, formatDate, useAction } from '../ui/form.js';
import { Status } from '../ui/status.js';

type Member = ChannelView['members'][number];

/**
 * What this browser makes of each other member of a conversation (`personTrust`), looked at again when
 * the members change and whenever whom this browser trusts may have changed (`app.trust`). Null while
 * the first look is under way.
 */
export function usePeopleTrust(channel: ChannelView | null): Map<string, PersonTrust> | null {
  const round = useObservable(app.trust);
  const [trust, setTrust] = useState<Map<string, PersonTrust> | null>(null);
  useEffect(() => {
    if (!channel) return;
    let current = true;
    app.meet(channel.members);
    const others = channel.members.filter((m) => m.userId !== app.user.id);
    const looked = (m: Member) =>
      personTrust(m).catch((err: unknown): PersonTrust => ({
        userId: m.userId,
        pinned: null,
        changed: null,
        keysChanged: false,
        refusedDevices: [],
        problem: app.failed(err),
      }));
    void Promise.all(others.map(looked)).then((list) => current && setTrust(new Map(list.map((t) => [t.userId, t]))));
    return () => {
      current = false;
    };
  }, [channel, round]);
  return trust;
}

/** Whose devices a key's maker left out: people none of whose devices got it, and people some of whose did not. */
export interface LeftOut {
  /** Cannot read anything sent under it. */
  people: string[];
  /** Have a device that cannot (another of theirs can). */
  someDevices: string[];
}

/**
 * For each key the conversation's readable messages were sent under, the people whose devices its maker
 * left out (devices their Strongroom did not trust when it was made): what was sent under it does not
 * reach those devices. From each key's signed announcement as the SDK checked it (`keyRecipients`),
 * never the server's list. User ids, by key.
 */
export function useWithheld(
  channelId: string,
  channel: ChannelView | null,
  messages: DecryptedMessage[] | null,
): Map<number, LeftOut> {
  const round = useObservable(app.trust);
  const [withheld, setWithheld] = useState<Map<number, LeftOut>>(new Map());
  const [owners] = useState(() => new Map<string, string | null>());
  // Only keys this browser holds: a message it could not read says so already.
  const epochs = [...new Set((messages ?? []).filter((m) => !m.error).map((m) => m.epoch))].sort((a, b) => a - b);
  const epochsKey = epochs.join(',');
  useEffect(() => {
    if (!channel) return;
    let current = true;
    for (const m of channel.members) for (const d of m.devices) owners.set(d.deviceId, m.userId);
    const ownerOf = async (deviceId: string): Promise<string | null> => {
      if (!owners.has(deviceId)) {
        // A device no longer in the conversation (revoked since): whose it was.
        owners.set(
          deviceId,
          await app.secure.client.device(deviceId).then(
            (d) => d.userId,
            () => null,
          ),
        );
      }
      return owners.get(deviceId) ?? null;
    };
    void (async () => {
      const out = new Map<number, LeftOut>();
      for (const epoch of epochs) {
        let sent: { recipientDeviceIds: string[]; withheldDeviceIds: string[] };
        try {
          sent = await app.secure.keyRecipients(channelId, epoch);
        } catch {
          continue; // not held here after all: its messages say they cannot be read
        }
        if (!sent.withheldDeviceIds.length) continue;
        const left = new Set<string>();
        for (const id of sent.withheldDeviceIds) {
          const owner = await ownerOf(id);
          if (owner && owner !== app.user.id) left.add(owner);
        }
        const got = new Set<string>();
        for (const id of sent.recipientDeviceIds) {
          const owner = await ownerOf(id);
          if (owner && left.has(owner)) got.add(owner);
        }
        const people = [...left].filter((u) => !got.has(u));
        if (left.size) out.set(epoch, { people, someDevices: [...got] });
      }
      if (current) setWithheld(out);
    })();
    return () => {
      current = false;
    };
  }, [channelId, channel, epochsKey, round]);
  return withheld;
}

/** A safety number, as people read it aloud: twelve groups of five digits. */
function SafetyNumber({ value, label }: { value: string; label: string }) {
  return (
    <p class="safety-number">
      <span class="visually-hidden">{label}: </span>
      <code>{value}</code>
    </p>
  );
}

/**
 * Above a conversation: each member whose identity changed (or one of whose devices has other keys than
 * before), in plain words, with the old and new safety numbers and a way to accept the new one once the
 * person has compared it with them. Nothing is sent to them until then.
 */
export function TrustAlerts(props: {
  members: Member[];
  trust: Map<string, PersonTrust> | null;
  channelId: string;
  onAccepted: () => void;
}) {
  const alerts = props.members.filter((m) => {
    const t = props.trust?.get(m.userId);
    return t && (t.changed || t.keysChanged);
  });
  if (!alerts.length) return null;
  return (
    <>
      {alerts.map((m) => (
        <TrustAlert
          key={m.userId}
          member={m}
          trust={props.trust!.get(m.userId)!}
          channelId={props.channelId}
          onAccepted={props.onAccepted}
        />
      ))}
    </>
  );
}

function TrustAlert(props: { member: Member; trust: PersonTrust; channelId: string; onAccepted: () => void }) {
  const { member, trust } = props;
  const name = member.displayName;
  const headingId = `trust-alert-${member.userId}`;
  // What is compared: the key the server now gives (a changed identity), or the same key again when a
  // device's keys changed under it.
  const compare = trust.changed ? trust.changed.now : trust.pinned;
  const accept = useAction(async () => {
    if (!compare) return;
    try {
      await acceptIdentity(member.userId, compare.key, props.channelId);
    } catch (err) {
      if (err instanceof IdentityChangedError) {
        app.trustChanged();
        throw new Error(
          `${name}’s safety number changed again while you were comparing. Compare the number shown now with them.`,
          { cause: err },
        );
      }
      throw err;
    }
    props.onAccepted();
  });
  return (
    <section class="trust-alert" aria-labelledby={headingId}>
      <h2 id={headingId}>{trust.changed ? `${name}’s identity has changed` : `${name}’s device keys have changed`}</h2>
      <p role="alert">
        {trust.changed ? identityChangedWords(name) : keysChangedWords(name)} {NOTHING_REACHES_THEM}
      </p>
      <p class="hint">{IDENTITY_KEY_EXPLAINED}</p>
      <dl class="safety-numbers">
        {trust.pinned && (
          <>
            <dt>
              {trust.changed ? 'Old safety number' : 'Safety number'}
              {trust.pinned.verifiedAt
                ? ` (you checked it on ${formatDate(trust.pinned.verifiedAt)})`
                : ' (never checked with them)'}
            </dt>
            <dd>
              <code>{trust.pinned.safetyNumber}</code>
            </dd>
          </>
        )}
        {trust.changed && (
          <>
            <dt>New safety number</dt>
            <dd>{trust.changed.now ? <code>{trust.changed.now.safetyNumber}</code> : 'None yet'}</dd>
          </>
        )}
      </dl>
      {compare ? (
        <>
          <p>
            {trust.changed ? 'Read the new number to ' : 'Read this number to '}
            {name}, or have them read theirs to you. {HOW_TO_COMPARE} If the numbers are not the same, do not accept it:
            tell your agency’s administrator.
          </p>
          <ErrorSummary error={accept.error} />
          <Button busy={accept.busy} onClick={() => void accept.run()}>
            {trust.changed
              ? `The new numbers match: accept ${name}’s new identity`
              : `The numbers match: trust ${name}’s devices again`}
          </Button>
        </>
      ) : (
        <p>
          {name} has no identity key at the moment: they are probably setting up Strongroom again. When they have, their
          new safety number shows here to compare.
        </p>
      )}
    </section>
  );
}

/**
 * One member's line in the People panel: whether their safety number was checked (and when), and,
 * opened, the number itself with a way to mark it checked after comparing it with them.
 */
export function MemberTrust(props: { member: Member; trust: PersonTrust | undefined; onAccepted: () => void }) {
  const { member, trust } = props;
  const name = member.displayName;
  const [done, setDone] = useState<string | null>(null);
  const check = useAction(async () => {
    if (!trust?.pinned) return;
    try {
      await markChecked(member.userId, trust.pinned.key);
    } catch (err) {
      if (err instanceof IdentityChangedError) {
        app.trustChanged();
        throw new Error(`${name}’s identity has just changed: see the warning above the messages.`, { cause: err });
      }
      throw err;
    }
    setDone(`You marked ${name} as checked.`);
    props.onAccepted();
  });
  if (member.userId === app.user.id) {
    return (
      <p class="trust-line">
        <Link href="/devices">Your own safety number</Link>
      </p>
    );
  }
  if (!trust) return <p class="trust-line hint">Checking…</p>;
  return (
    <>
      <p class="trust-line">
        {trust.problem ? (
          <span class="error-text">Could not check their safety number just now: {trust.problem}</span>
        ) : trust.changed ? (
          <strong class="trust-changed">Identity changed: compare their new safety number (above).</strong>
        ) : trust.keysChanged ? (
          <strong class="trust-changed">A device’s keys changed: compare safety numbers (above).</strong>
        ) : !trust.pinned ? (
          <span class="hint">No safety number yet: they have not set up Strongroom on a device.</span>
        ) : trust.pinned.verifiedAt ? (
          <span class="trust-checked">You checked this number on {formatDate(trust.pinned.verifiedAt)}.</span>
        ) : (
          <span>Not checked yet.</span>
        )}
      </p>
      {trust.refusedDevices.map((r) => (
        <p class="hint" key={r}>
          {r}
        </p>
      ))}
      <Status>{trust.changed || trust.keysChanged ? null : done}</Status>
      {trust.pinned && !trust.changed && !trust.keysChanged && (
        <details class="trust-details">
          <summary>
            Safety number<span class="visually-hidden"> of {name}</span>
          </summary>
          <p class="hint">{IDENTITY_KEY_EXPLAINED}</p>
          <SafetyNumber value={trust.pinned.safetyNumber} label={`${name}’s safety number`} />
          <p class="hint">{HOW_TO_COMPARE}</p>
          {!trust.pinned.verifiedAt && (
            <>
              <ErrorSummary error={check.error} />
              <Button variant="secondary" busy={check.busy} onClick={() => void check.run()}>
                The numbers match: mark {name} as checked
              </Button>
            </>
          )}
        </details>
      )}
    </>
  );
}
