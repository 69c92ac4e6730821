import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import {
  CANNOT_SEE,
  CANNOT_SHOW,
  fileSizeInWords,
  foldConversation,
  SendNotConfirmedError,
  StrongroomApiError,
  type ChannelHoldView,
  type ChannelView,
  type DecryptedMessage,
  type FileView,
  type MessageView,
} from '../../../sdk/browser.js';
import { Link } from '../router.js';
import { app } from '../state/app.js';
import { KIND_LABELS } from '../state/inbox.js';
import type { PersonTrust } from '../state/trust.js';
import { Button, ErrorSummary, formatDate, formatDateTime, PageTitle, useAction } from '../ui/form.js';
import { FileDownload } from '../ui/file-download.js';
import { useLoad } from '../ui/status.js';
import { MemberTrust, TrustAlerts, usePeopleTrust, useWithheld } from './member-trust.js';

type Member = ChannelView['members'][number];

/** What a message's line says besides itself: who cannot read it, whose changed identity hides it. */
interface MessageNotes {
  /** Names of members none of whose devices got the key it was sent under. */
  cannotRead: string[];
  /** Names of members one of whose devices did not get it (another did). */
  someDevices: string[];
  /** The member it claims to be from, whose identity changed (and is not accepted yet). */
  changedSender?: string;
}

/** A message typed here and not yet confirmed stored. */
interface Outgoing {
  clientMessageId: string;
  text: string;
  replyTo?: MessageView;
  mentions: string[];
  failed: boolean;
}

/**
 * One conversation: its messages live (new ones announced to screen readers), replies, mentions,
 * editing and deleting one's own, each message's expiry, and who is in it.
 */
export function Channel({ params }: { params: Record<string, string> }) {
  const channelId = params.id;
  const [channel, setChannel] = useState<ChannelView | null>(null);
  const [name, setName] = useState<string>('Conversation');
  const [messages, setMessages] = useState<DecryptedMessage[] | null>(null);
  const [progress, setProgress] = useState(0);
  const [gone, setGone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Opening the conversation again after it failed (the server unreachable for the retry policy's time).
  const [attempt, setAttempt] = useState(0);
  const [outgoing, setOutgoing] = useState<Outgoing[]>([]);
  const [replyTo, setReplyTo] = useState<MessageView | null>(null);

  const byId = useMemo(() => new Map(channel?.members.map((m) => [m.userId, m]) ?? []), [channel]);
  // Edits folded into their originals, replies resolved, mentions marked: by the SDK's rules, which
  // accept an edit only from the original's verified sender.
  const shown = useMemo(
    () => (messages ? foldConversation(messages, app.user.id, new Date()).messages : []),
    [messages],
  );
  const lastSeq = messages?.length ? messages[messages.length - 1].seq : 0;
  // Who this browser trusts among the members, and who was left out of the keys messages were sent under.
  const trust = usePeopleTrust(channel);
  const withheld = useWithheld(channelId, channel, messages);
  const bySeq = useMemo(() => new Map(messages?.map((m) => [m.seq, m]) ?? []), [messages]);
  const notes = (seq: number): MessageNotes => {
    const m = bySeq.get(seq);
    const name = (userId: string) => byId.get(userId)?.displayName ?? 'A former member';
    const sender = m?.unverified ? trust?.get(m.senderUserId) : undefined;
    const left = m ? withheld.get(m.epoch) : undefined;
    return {
      cannotRead: (left?.people ?? []).map(name),
      someDevices: (left?.someDevices ?? []).map(name),
      ...(sender?.changed ? { changedSender: name(sender.userId) } : {}),
    };
  };
  // After someone is accepted, what could not be checked before is read again.
  const reread = () => {
    void app.secure.readAll(channelId).then(
      (history) => {
        const last = history.length ? history[history.length - 1].seq : 0;
        setMessages((list) => [...history, ...(list ?? []).filter((m) => m.seq > last)]);
      },
      (err: unknown) => setError(app.failed(err)),
    );
  };

  // The channel, its history, then live messages; expiries and deletions as they happen.
  useEffect(() => {
    let stopped = false;
    const stops: (() => void)[] = [];
    app.inbox.open = channelId;
    const removed = (why: string) => {
      if (stopped) return;
      setGone(why);
      setMessages(null);
    };
    // The member list again, after a change; a refusal then means this person is no longer in it.
    const reload = () =>
      void app.secure.client.channel(channelId).then(
        (v) => !stopped && setChannel(v),
        (err: unknown) => {
          if (err instanceof StrongroomApiError && (err.status === 403 || err.status === 404)) removed(err.message);
        },
      );
    void (async () => {
      try {
        const view = await app.secure.client.channel(channelId);
        if (stopped) return;
        setChannel(view);
        const other = view.kind === 'direct' ? view.members.find((m) => m.userId !== app.user.id) : undefined;
        setName(await app.inbox.nameOf({ ...view, directWith: other ?? null }));
        const history = await app.secure.readAll(channelId, 0, (n) => !stopped && setProgress(n));
        if (stopped) return;
        setMessages(history);
        const after = history.length ? history[history.length - 1].seq : 0;
        const rt = await app.secure.connect();
        stops.push(
          rt.on('member.removed', (e) => {
            if (e.channelId !== channelId) return;
            if (e.userId === app.user.id) removed('You are no longer a member of this conversation.');
            else reload();
          }),
          rt.on('member.added', (e) => {
            if (e.channelId === channelId) reload();
          }),
          // A member's device added or revoked (their identity reset, say): their devices are looked at again.
          rt.on('channel.rotation_required', (e) => {
            if (e.channelId === channelId) reload();
          }),
        );
        const stop = await app.secure.subscribe(
          channelId,
          (m) => {
            if (stopped) return;
            setMessages((list) => (list ? [...list.filter((x) => x.seq !== m.seq), m] : [m]));
          },
          {
            after,
            onExpired: (seqs) => setMessages((list) => list && list.filter((m) => !seqs.includes(m.seq))),
            onDeleted: (seq) =>
              setMessages(
                (list) => list && list.map((m) => (m.seq === seq ? { ...m, deleted: true, content: null } : m)),
              ),
            onError: (err) => {
              if (err instanceof StrongroomApiError && (err.status === 403 || err.status === 404)) removed(err.message);
              else setError(app.failed(err));
            },
          },
        );
        if (stopped) stop();
        else stops.push(stop);
      } catch (err) {
        if (err instanceof StrongroomApiError && (err.status === 403 || err.status === 404)) removed(err.message);
        else setError(app.failed(err));
      }
    })();
    // Messages leave the page when they expire, by this browser's clock, even if no event says so.
    const sweep = setInterval(() => {
      const now = Date.now();
      setMessages((list) => {
        if (!list?.some((m) => Date.parse(m.expiresAt) <= now)) return list;
        return list.filter((m) => Date.parse(m.expiresAt) > now);
      });
    }, 5000);
    return () => {
      stopped = true;
      clearInterval(sweep);
      for (const stop of stops) stop();
      if (app.inbox.open === channelId) app.inbox.open = null;
    };
  }, [channelId, attempt]);

  // What is on screen is read: the list's unread count follows, here and on the person's other devices.
  useEffect(() => {
    if (!lastSeq) return;
    const mark = () => {
      if (document.hidden) return;
      void app.secure.client.markRead(channelId, lastSeq).catch(() => undefined);
    };
    mark();
    document.addEventListener('visibilitychange', mark);
    return () => document.removeEventListener('visibilitychange', mark);
  }, [channelId, lastSeq]);

  const send = async (out: Outgoing) => {
    setOutgoing((list) => [
      ...list.filter((o) => o.clientMessageId !== out.clientMessageId),
      { ...out, failed: false },
    ]);
    try {
      await app.secure.sendText(channelId, out.text, {
        replyTo: out.replyTo,
        mentions: out.mentions,
        clientMessageId: out.clientMessageId,
      });
      setOutgoing((list) => list.filter((o) => o.clientMessageId !== out.clientMessageId));
    } catch (err) {
      if (!(err instanceof SendNotConfirmedError)) setError(app.failed(err));
      setOutgoing((list) => list.map((o) => (o.clientMessageId === out.clientMessageId ? { ...o, failed: true } : o)));
    }
  };

  if (gone) {
    return (
      <main id="main" class="narrow">
        <PageTitle>{name}</PageTitle>
        <p role="alert">{gone}</p>
        <p>
          <Link href="/">Back to your messages</Link>
        </p>
      </main>
    );
  }

  return (
    <main id="main" class="channel">
      <div class="channel-main">
        <PageTitle title={name}>
          {name} <span class="channel-kind">{channel ? KIND_LABELS[channel.kind] : ''}</span>
        </PageTitle>
        {channel && (
          <p class="hint">
            Messages here are kept for {channel.retentionDays} days, then deleted for everyone.
            {channel.sharingRestriction && <strong> {channel.sharingRestriction.message}</strong>}
          </p>
        )}
        {channel && <LegalHoldNote channelId={channelId} />}
        <ErrorSummary error={error} />
        {channel && <TrustAlerts members={channel.members} trust={trust} channelId={channelId} onAccepted={reread} />}
        {messages === null && error ? (
          <p>
            The messages could not be opened.{' '}
            <Button
              variant="secondary"
              onClick={() => {
                setError(null);
                setProgress(0);
                setAttempt((n) => n + 1);
              }}
            >
              Try again
            </Button>
          </p>
        ) : messages === null ? (
          <p role="status">Opening messages{progress ? ` (${progress} so far)` : ''}…</p>
        ) : (
          <MessageList
            shown={shown}
            members={byId}
            onReply={setReplyTo}
            channelId={channelId}
            notes={notes}
            onFailed={(e) => setError(app.failed(e))}
          />
        )}
        {outgoing.length > 0 && (
          <ul class="outgoing" aria-label="Messages being sent">
            {outgoing.map((o) => (
              <li key={o.clientMessageId} class="message mine pending">
                <p class="message-text">{o.text}</p>
                {o.failed ? (
                  <p class="error-text">
                    Not sent yet: the server did not confirm it.{' '}
                    <Button variant="link" onClick={() => void send(o)}>
                      Try again
                    </Button>
                  </p>
                ) : (
                  <p class="hint">Sending…</p>
                )}
              </li>
            ))}
          </ul>
        )}
        {messages !== null && (
          <Composer
            members={channel?.members ?? []}
            replyTo={replyTo}
            onCancelReply={() => setReplyTo(null)}
            onSend={(text, mentions) => {
              const out = {
                clientMessageId: crypto.randomUUID(),
                text,
                replyTo: replyTo ?? undefined,
                mentions,
                failed: false,
              };
              setReplyTo(null);
              void send(out);
            }}
          />
        )}
      </div>
      {channel && <Members channel={channel} trust={trust} onAccepted={reread} />}
    </main>
  );
}

function MessageList(props: {
  shown: MessageView[];
  members: Map<string, Member>;
  channelId: string;
  notes: (seq: number) => MessageNotes;
  onReply: (m: MessageView) => void;
  onFailed: (err: unknown) => void;
}) {
  const end = useRef<HTMLDivElement>(null);
  const count = props.shown.length;
  useEffect(() => {
    end.current?.scrollIntoView({ block: 'end' });
  }, [count]);
  const who = (userId: string | null) =>
    userId === null
      ? 'Unknown sender'
      : userId === app.user.id
        ? 'You'
        : (props.members.get(userId)?.displayName ?? 'A former member');
  if (count === 0) return <p class="hint">No messages yet. Say hello.</p>;
  return (
    <>
      <div role="log" aria-label="Messages">
        <ol class="messages">
          {props.shown.map((m) => (
            <MessageItem key={m.seq} m={m} who={who} {...props} notes={props.notes(m.seq)} />
          ))}
        </ol>
      </div>
      <div ref={end} />
    </>
  );
}

function MessageItem(props: {
  m: MessageView;
  who: (userId: string | null) => string;
  channelId: string;
  notes: MessageNotes;
  onReply: (m: MessageView) => void;
  onFailed: (err: unknown) => void;
}) {
  const { m, who } = props;
  const [confirming, setConfirming] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const del = useAction(() => app.secure.deleteMessage(props.channelId, m.seq));
  const edit = useAction(async (text: string) => {
    await app.secure.editMessage(props.channelId, m, text);
    setEditing(null);
  });
  const mine = m.senderUserId === app.user.id;
  const placeholder =
    m.kind === 'deleted'
      ? 'This message was deleted.'
      : m.kind === 'unreadable'
        ? 'This message cannot be read on this device.'
        : m.kind === 'unverified' && props.notes.changedSender
          ? `This message says it is from ${props.notes.changedSender}, whose identity has changed: it is not shown ` +
            'until you compare their new safety number with them and accept it.'
          : m.kind === 'unverified'
            ? 'Strongroom could not confirm who sent this message, so it is not shown.'
            : `This is ${CANNOT_SHOW}.`;
  return (
    <li class={`message${mine ? ' mine' : ''}${m.mentionsMe ? ' mentioned' : ''}`}>
      <p class="message-meta">
        <strong>{who(m.senderUserId)}</strong>{' '}
        <time dateTime={m.sentAt ?? m.createdAt}>{formatDateTime(m.sentAt ?? m.createdAt)}</time>
        {m.edited && <span class="hint"> (edited)</span>}
        {m.mentionsMe && <span class="tag">Mentions you</span>}
      </p>
      {m.replyTo && (
        <p class="reply-quote">
          {m.replyTo.visible
            ? `Replying to ${who(m.replyTo.senderUserId)}: ${m.replyTo.preview}`
            : `Replying to ${CANNOT_SEE}`}
        </p>
      )}
      {m.warnings.map((w) => (
        <p class="warning-text" role="note" key={w}>
          Warning: {w}
        </p>
      ))}
      {editing !== null ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (editing.trim()) void edit.run(editing.trim());
          }}
        >
          <label class="visually-hidden" for={`edit-${m.seq}`}>
            Edit your message
          </label>
          <textarea id={`edit-${m.seq}`} value={editing} onInput={(e) => setEditing(e.currentTarget.value)} />
          <ErrorSummary error={edit.error} />
          <Button type="submit" busy={edit.busy}>
            Save
          </Button>{' '}
          <Button variant="secondary" onClick={() => setEditing(null)}>
            Cancel
          </Button>
        </form>
      ) : m.file ? (
        <FileItem file={m.file} />
      ) : m.text !== null ? (
        <p class="message-text">{m.text}</p>
      ) : (
        <p class="message-placeholder">{placeholder}</p>
      )}
      {props.notes.cannotRead.length > 0 && (
        <p class="withheld-note">
          Not sent to {props.notes.cannotRead.join(', ')}: Strongroom did not trust{' '}
          {props.notes.cannotRead.length === 1 ? 'their device' : 'their devices'} when this was sent, so{' '}
          {props.notes.cannotRead.length === 1 ? 'they cannot' : 'none of them can'} read it.
        </p>
      )}
      {props.notes.someDevices.length > 0 && (
        <p class="withheld-note">
          Not sent to one of the devices of {props.notes.someDevices.join(', ')}: Strongroom did not trust it when this
          was sent.
        </p>
      )}
      <p class="message-foot">
        <span class="hint">Expires {formatDate(m.expiresAt)}</span>
        {(m.text !== null || m.kind === 'file') && editing === null && (
          <span class="message-actions">
            <Button variant="link" onClick={() => props.onReply(m)}>
              Reply<span class="visually-hidden"> to {who(m.senderUserId)}</span>
            </Button>
            {mine && m.kind === 'text' && (
              <Button variant="link" onClick={() => setEditing(m.text ?? '')}>
                Edit<span class="visually-hidden"> your message</span>
              </Button>
            )}
            {mine &&
              (confirming ? (
                <span role="group" aria-label="Confirm deleting">
                  Delete for everyone?{' '}
                  <Button
                    variant="warning"
                    busy={del.busy}
                    onClick={() => void del.run().then(() => setConfirming(false))}
                  >
                    Yes, delete
                  </Button>{' '}
                  <Button variant="link" onClick={() => setConfirming(false)}>
                    Keep it
                  </Button>
                </span>
              ) : (
                <Button variant="link" onClick={() => setConfirming(true)}>
                  Delete<span class="visually-hidden"> your message</span>
                </Button>
              ))}
          </span>
        )}
      </p>
      {del.error && <p class="error-text">{del.error}</p>}
    </li>
  );
}

/** The box to write in: Enter sends, Shift+Enter starts a new line; @name mentions a member. */
function Composer(props: {
  members: Member[];
  replyTo: MessageView | null;
  onCancelReply: () => void;
  onSend: (text: string, mentions: string[]) => void;
}) {
  const [text, setText] = useState('');
  const box = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (props.replyTo) box.current?.focus();
  }, [props.replyTo]);
  const others = props.members.filter((m) => m.userId !== app.user.id);
  const typing = /(^|\s)@([^\s@]{0,30})$/.exec(text);
  const suggestions = typing
    ? others.filter((m) => m.displayName.toLowerCase().startsWith(typing[2].toLowerCase())).slice(0, 5)
    : [];
  const submit = () => {
    const t = text.trim();
    if (!t) return;
    const mentions = others.filter((m) => t.includes(`@${m.displayName}`)).map((m) => m.userId);
    props.onSend(t, mentions);
    setText('');
  };
  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      {props.replyTo && (
        <p class="reply-quote">
          Replying to: {props.replyTo.text?.slice(0, 80)}{' '}
          <Button variant="link" onClick={props.onCancelReply}>
            Cancel reply
          </Button>
        </p>
      )}
      <label for="composer-text">Message</label>
      <p class="hint" id="composer-hint">
        Enter sends; Shift+Enter starts a new line. Type @ and a name to mention someone.
      </p>
      <textarea
        id="composer-text"
        ref={box}
        rows={3}
        value={text}
        aria-describedby="composer-hint"
        onInput={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            submit();
          }
        }}
      />
      {suggestions.length > 0 && (
        <ul class="mention-suggestions" aria-label="Mention">
          {suggestions.map((m) => (
            <li key={m.userId}>
              <Button
                variant="secondary"
                onClick={() => {
                  setText(text.replace(/@([^\s@]{0,30})$/, `@${m.displayName} `));
                  box.current?.focus();
                }}
              >
                @{m.displayName} ({m.agencyName})
              </Button>
            </li>
          ))}
        </ul>
      )}
      <Button type="submit">Send</Button>
    </form>
  );
}

/**
 * Who is here: members with their agency, observers with their end date, and who has left; for each
 * other member, whether their safety number was checked, and the number to compare with them.
 */
function Members(props: { channel: ChannelView; trust: Map<string, PersonTrust> | null; onAccepted: () => void }) {
  const { channel } = props;
  return (
    <aside class="members" aria-labelledby="members-heading">
      <h2 id="members-heading">People in this conversation</h2>
      <ul>
        {channel.members.map((m) => (
          <li key={m.userId}>
            <strong>{m.displayName}</strong>, {m.agencyName}
            {m.role === 'chair' && ' (chair)'}
            {m.role === 'observer' &&
              (m.endsAt ? ` (auditor, read-only, until ${formatDate(m.endsAt)})` : ' (observer)')}
            <MemberTrust member={m} trust={props.trust?.get(m.userId) ?? undefined} onAccepted={props.onAccepted} />
          </li>
        ))}
      </ul>
      {channel.formerMembers.length > 0 && (
        <details>
          <summary>People who have left ({channel.formerMembers.length})</summary>
          <ul>
            {channel.formerMembers.map((m) => (
              <li key={`${m.userId}-${m.endedAt}`}>
                {m.displayName}, {m.agencyName}: left {formatDate(m.endedAt)}
              </li>
            ))}
          </ul>
        </details>
      )}
    </aside>
  );
}

/** A file sent in the conversation: its name, size and caption, and a button that fetches it (FileDownload). */
function FileItem({ file }: { file: FileView }) {
  return (
    <div class="message-file">
      <p class="message-text">
        <span class="tag">File</span> <strong>{file.name}</strong>{' '}
        <span class="hint">({fileSizeInWords(file.size)})</span>
      </p>
      {file.caption && <p class="message-text">{file.caption}</p>}
      <FileDownload file={file.ref} />
    </div>
  );
}

/** What kind of legal hold keeps this channel's messages, in words. */
const HOLD_WORDS: Record<ChannelHoldView['scope'], string> = {
  channel: 'a legal hold on this conversation',
  family: 'a legal hold on this family',
  agency: 'a legal hold on what one member’s agency wrote',
  class: 'a legal hold on all messages',
};

/** A legal hold that keeps messages here past their retention period: said to every member. */
function LegalHoldNote({ channelId }: { channelId: string }) {
  const holds = useLoad(() => app.secure.client.channelHolds(channelId), [channelId]);
  if (!holds.data?.length) return null;
  return (
    <p class="notice">
      Messages here are kept past their retention period for now:{' '}
      {holds.data.map((h) => `${HOLD_WORDS[h.scope]} (since ${formatDate(h.placedAt)})`).join('; ')}. The ISA team
      releases it when it is no longer needed.
    </p>
  );
}
