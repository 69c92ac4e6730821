import { useEffect, useState } from 'preact/hooks';
import type { RagRating } from '../../../../contracts/referrals.js';
import { deadlineText, ragText } from '../state/referral-words.js';
import { formatDateTime } from '../ui/form.js';

/**
 * Pieces the referral screens share: a rating shown as a word on its colour (never the colour alone),
 * and a screening deadline as relative and absolute time.
 */

/** "Red" on red, "Amber" on amber…; "Not rated yet" plain. */
export function RagTag({ rag }: { rag: RagRating | null }) {
  return <span class={`rag rag-${rag ?? 'none'}`}>{ragText(rag)}</span>;
}

/** "Overdue by 2 hours (due 3 Dec 2026, 14:05)", the overdue part in bold and marked. */
export function Deadline({ at, overdue, now }: { at: string; overdue: boolean; now: number }) {
  const d = deadlineText(at, now, overdue);
  return (
    <span class={d.overdue ? 'overdue' : undefined}>
      {d.overdue ? <strong>{d.text}</strong> : d.text}{' '}
      <span class="deadline-at">
        ({d.overdue ? 'was due' : 'by'} <time dateTime={at}>{formatDateTime(at)}</time>)
      </span>
    </span>
  );
}

/** The time now, moved on every `everyMs` so relative times ("Due in 3 hours") stay true on an open screen. */
export function useNow(everyMs = 60_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
