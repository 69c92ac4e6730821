import type { ChannelSummary, RealtimeConnection, SecureSession } from '../../../sdk/browser.js';
import { Observable } from './observable.js';

/** A channel as the list shows it: the server's summary and the title this browser decrypted. */
export interface ChannelItem extends ChannelSummary {
  /** The decrypted title; for a direct message, the other person's name. */
  name: string;
}

/** What people call each kind of channel. */
export const KIND_LABELS: Record<ChannelSummary['kind'], string> = {
  direct: 'Direct message',
  locality_meeting: 'Locality meeting',
  family_meeting: 'Family meeting',
  professionals_meeting: 'Professionals’ meeting',
  referral: 'Referral',
  information_request: 'Information request',
};

/** Content-free words for the browser's own notifications: they show on lock screens. */
export const KIND_NOTIFICATION: Record<ChannelSummary['kind'], string> = {
  direct: 'New direct message',
  locality_meeting: 'New message in a Locality Meeting channel',
  family_meeting: 'New message in a family channel',
  professionals_meeting: 'New message in a professionals’ meeting channel',
  referral: 'New message in a referral channel',
  information_request: 'New message about an information request',
};

/**
 * The channel list with unread counts, kept current from the live connection: a new message, a read
 * position moved on another tab or device, a membership change. Also where mentions of the person in
 * channels they are not looking at become notifications.
 */
export class Inbox {
  readonly channels = new Observable<ChannelItem[] | null>(null);
  /** The channel on screen, whose new messages are read as they arrive. */
  open: string | null = null;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly titles = new Map<string, string>();
  private stops: (() => void)[] = [];

  constructor(
    private readonly secure: SecureSession,
    private readonly notify: (text: string, href: string, browserText: string) => void,
    private readonly failed: (err: unknown) => string,
  ) {}

  listen(rt: RealtimeConnection): void {
    const soon = () => this.refreshSoon();
    this.stops = [
      rt.on('message.new', ({ channelId, message }) => {
        soon();
        if (message.senderUserId === this.secure.userId) return;
        void this.newMessage(channelId, message);
      }),
      // The server does not echo one's own sends to the socket they came over: the session hands them here.
      this.secure.onOwnSend(soon),
      rt.on('message.deleted', soon),
      rt.on('message.expired', soon),
      rt.on('member.added', soon),
      rt.on('member.removed', soon),
      rt.on('channel.read', soon),
      rt.onConnect(soon),
    ];
    void this.refresh();
  }

  stop(): void {
    for (const s of this.stops) s();
    clearTimeout(this.refreshTimer);
  }

  /** Several events in a burst make one fetch. */
  refreshSoon(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refresh(), 250);
  }

  async refresh(): Promise<void> {
    try {
      const list = await this.secure.client.channels();
      const items = await Promise.all(list.map((c) => this.item(c)));
      items.sort((a, b) => b.lastSeq - a.lastSeq || a.name.localeCompare(b.name));
      this.channels.set(items);
    } catch (err) {
      this.failed(err);
    }
  }

  private async item(c: ChannelSummary): Promise<ChannelItem> {
    return { ...c, name: await this.nameOf(c) };
  }

  /** A channel's name: the other person for a direct message, else its decrypted title. */
  async nameOf(c: Pick<ChannelSummary, 'id' | 'kind' | 'directWith'>): Promise<string> {
    if (c.kind === 'direct' && c.directWith) return c.directWith.displayName;
    const known = this.titles.get(c.id);
    if (known) return known;
    let title: string | null;
    try {
      title = await this.secure.title(c.id);
    } catch {
      title = null; // a title this browser cannot open yet is not a reason to hide the channel
    }
    const name = title || KIND_LABELS[c.kind];
    if (title) this.titles.set(c.id, title);
    return name;
  }

  /** A message in a channel the person is not looking at: a notification, saying more if it mentions them. */
  private async newMessage(channelId: string, message: Parameters<SecureSession['decrypt']>[1]): Promise<void> {
    if (this.open === channelId && !document.hidden) return;
    // A conversation new to this page (someone just started it) is named once the list has it.
    if (!this.channels.value?.some((x) => x.id === channelId)) await this.refresh();
    const c = this.channels.value?.find((x) => x.id === channelId);
    const href = `/channels/${channelId}`;
    let mentioned: boolean;
    try {
      const m = await this.secure.decrypt(channelId, message);
      mentioned = !m.unverified && mentionsMe(m.content, this.secure.userId);
    } catch {
      mentioned = false;
    }
    const where = c ? c.name : 'a conversation';
    if (mentioned) this.notify(`You were mentioned in ${where}`, href, 'You were mentioned in a message');
    else if (c?.kind === 'direct') this.notify(`New message from ${where}`, href, KIND_NOTIFICATION.direct);
    else this.notify(`New message in ${where}`, href, KIND_NOTIFICATION[c?.kind ?? 'professionals_meeting']);
  }
}

/** Whether sealed content names this person among its mentions. */
export function mentionsMe(content: unknown, userId: string): boolean {
  const mentions = (content as { mentions?: unknown } | null)?.mentions;
  return Array.isArray(mentions) && mentions.includes(userId);
}
