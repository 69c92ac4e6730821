import { useEffect, useState } from 'preact/hooks';
import {
  readReferral,
  StrongroomApiError,
  UnableToDecryptError,
  type OpenedReferral,
  type ReferralReceipt,
  type ReferralSettingsView,
  type ReferralView,
  type SecureSession,
} from '../../../sdk/browser.js';
import { app } from './app.js';
import { useObservable } from './observable.js';
import type { Namer } from './referral-words.js';

/**
 * The MASH hub's referrals as the page loads them: the hub's settings (once a visit), a referral with
 * everything this device can open, and the names of the people on it.
 */

let settings: Promise<ReferralSettingsView> | null = null;

/** The hub, its concern categories and deadline hours: the same for everyone, fetched once a visit. */
export function referralSettings(): Promise<ReferralSettingsView> {
  settings ??= app.client.referralSettings().catch((err: unknown) => {
    settings = null; // a failure (offline) is not kept: the next screen asks again
    throw err;
  });
  return settings;
}

/** Whether the signed-in person is one of the hub's staff: a MASH hub worker of the hub agency. */
export function isHubWorker(hubAgencyId: string | null): boolean {
  const me = app.me.value;
  return !!me && !!hubAgencyId && me.user.role === 'mash_worker' && me.agency.id === hubAgencyId;
}

/**
 * In a component: true once the settings say the person works at the hub (for the navigation). Asked
 * when the page is `ready` (keys unlocked, agreement confirmed), since the server answers only then.
 */
export function useHubWorker(ready = true): boolean {
  const me = useObservable(app.me);
  const [hub, setHub] = useState(false);
  useEffect(() => {
    setHub(false);
    if (!ready || me?.user.role !== 'mash_worker') return;
    let current = true;
    referralSettings().then(
      (s) => current && setHub(isHubWorker(s.hubAgencyId)),
      () => undefined, // the queue link appears once the settings can be read; the screens say why not
    );
    return () => {
      current = false;
    };
  }, [ready, me?.user.id, me?.user.role]);
  return hub;
}

/** Someone the page can name, with their agency. */
export interface KnownPerson {
  name: string;
  agency: string;
}

/**
 * Names people by id: "you", then those this page met (the referral's conversation, now or before, and
 * anyone picked in a search), else a plain fallback. Never an id.
 */
export function namer(me: string, known: ReadonlyMap<string, KnownPerson>, fallback = 'someone'): Namer {
  return (id, otherwise = fallback) => {
    if (!id) return otherwise;
    if (id === me) return 'you';
    return known.get(id)?.name ?? app.people.get(id) ?? otherwise;
  };
}

/** A referral as its page shows it. */
export interface ReferralPage {
  receipt: ReferralReceipt;
  /** The hub's and partners' view; null for the referrer once the hub has taken it on. */
  view: ReferralView | null;
  /** Its sealed fields opened on this device; null when it holds no key for them (see `unreadable`). */
  opened: OpenedReferral | null;
  /** Why the details are not shown, when this device cannot open them. */
  unreadable: string | null;
  people: Map<string, KnownPerson>;
  agencies: Map<string, string>;
}

/**
 * Loads a referral by its reference (or id): in full to the hub and partners (opened here), the
 * receipt to the referrer. A device that has no key for its details yet still shows what the server
 * holds (states, ratings, dates), with a sentence saying why the rest is missing.
 */
export async function loadReferral(s: SecureSession, ref: string): Promise<ReferralPage> {
  let receipt: ReferralReceipt;
  let view: ReferralView | null = null;
  let opened: OpenedReferral | null = null;
  let unreadable: string | null = null;
  try {
    const read = await readReferral(s, ref);
    receipt = read.receipt;
    opened = read.opened;
    view = opened?.view ?? null;
  } catch (err) {
    if (!(err instanceof UnableToDecryptError)) throw err;
    const answer = await s.client.referral(ref);
    receipt = answer;
    if (answer.view === 'full') {
      view = answer;
      unreadable =
        'This device does not hold the keys for this referral’s details yet, so names and what was written cannot be ' +
        'shown here. Try again on a device you have used for it, or ask the hub to share it with you again.';
    }
  }
  const [agencies, people] = await Promise.all([
    s.client.agencies().then(
      (list) => new Map(list.map((a) => [a.id, a.name])),
      () => new Map<string, string>(),
    ),
    view ? membersOf(s, view.channelId) : Promise.resolve(new Map<string, KnownPerson>()),
  ]);
  return { receipt, view, opened, unreadable, people, agencies };
}

/** The referral conversation's members, present and past, by id. */
async function membersOf(s: SecureSession, channelId: string): Promise<Map<string, KnownPerson>> {
  const out = new Map<string, KnownPerson>();
  try {
    const channel = await s.client.channel(channelId);
    for (const m of [...channel.formerMembers, ...channel.members]) {
      out.set(m.userId, { name: m.displayName, agency: m.agencyName });
    }
    app.meet(channel.members);
  } catch (err) {
    // A hub worker who joined the hub after the referral came in is not in its conversation until they
    // act on it: the page names fewer people, and says "someone" for the rest.
    if (!(err instanceof StrongroomApiError) || err.status === 401) throw err;
  }
  return out;
}

/** True when the server says there is no referral this person may open (it never says which). */
export const isNotYours = (err: unknown) =>
  err instanceof StrongroomApiError && (err.status === 404 || err.status === 403);
