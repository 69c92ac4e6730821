import {
  settleVerification,
  verifyExport,
  type ExportAction,
  type ExportPerson,
  type ExportVerification,
  type FamilyPlanRecord,
  type MeetingRecord,
  type SignedExport,
  type TrustAnchors,
} from './record-export.js';

/**
 * The human-readable form of an export: one self-contained HTML page (no scripts, no fetches, printable)
 * with the signed JSON embedded in it. The page is rendered from the JSON alone and deterministically, so
 * a verifier re-renders it and compares: an edit to the visible text breaks verification just as an
 * edit to the JSON does.
 */

const DATA_ID = 'strongroom-record';

/** Text made safe to stand in HTML, in an element or a quoted attribute. */
export const esc = (s: string | number | null | undefined): string =>
  String(s ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/** ISO timestamps shown as `2026-11-25 14:00 UTC`, without locale or time-zone dependence. */
const when = (iso: string | null): string => {
  if (!iso) return '–';
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
};

const person = (p: ExportPerson | null): string =>
  p ? `${esc(p.displayName)}${p.agencyName ? ` <span class="agency">(${esc(p.agencyName)})</span>` : ''}` : '–';

const paragraphs = (text: string): string =>
  String(text)
    .split(/\n{2,}/)
    .map((p) => `<p>${esc(p).replace(/\n/g, '<br>')}</p>`)
    .join('');

function table(caption: string, headings: string[], rows: string[][]): string {
  if (!rows.length) return `<p class="none">${esc(caption)}: none.</p>`;
  return (
    `<table><caption>${esc(caption)}</caption><thead><tr>` +
    headings.map((h) => `<th scope="col">${esc(h)}</th>`).join('') +
    '</tr></thead><tbody>' +
    rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('') +
    '</tbody></table>'
  );
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const asString = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** A document of a shape this page does not know is shown as its JSON, so nothing is ever hidden. */
const raw = (doc: unknown) => `<pre>${esc(JSON.stringify(doc, null, 2))}</pre>`;

/** Objective ids are random: a page names an objective by its text when the plan is in the export. */
function actionsTable(actions: ExportAction[], objectiveName: (id: string) => string = (id) => id): string {
  return table(
    'Actions',
    ['Action', 'Owner', 'Due', 'Status', 'Plan objective'],
    actions.map((a) => [
      esc(a.description),
      person(a.owner),
      esc(a.dueOn),
      esc(a.status),
      esc(a.planObjective ? objectiveName(a.planObjective) : '–'),
    ]),
  );
}

function minutesBody(r: MeetingRecord): string {
  const doc = r.minutes.document;
  const titles = new Map(r.agenda.map((a) => [a.id, a.title]));
  if (!isObject(doc) || !Array.isArray(doc.sections)) return raw(doc);
  let out = '';
  for (const s of doc.sections as unknown[]) {
    if (!isObject(s)) {
      out += raw(s);
      continue;
    }
    const item = asString(s.item ?? '');
    out += `<h3>${esc(titles.get(item) ?? item)}</h3>${paragraphs(asString(s.notes ?? ''))}`;
  }
  if (r.meeting.kind === 'family' || doc.familyVoice) {
    out += `<h3>The family’s voice</h3>${doc.familyVoice ? paragraphs(asString(doc.familyVoice)) : '<p class="none">Not recorded.</p>'}`;
  }
  return out;
}

function meetingPage(r: MeetingRecord): { title: string; body: string } {
  const m = r.meeting;
  const kind = { locality: 'Locality Meeting', family: 'Family Meeting', professionals: 'Professionals’ meeting' }[
    m.kind
  ];
  const title = `${kind ?? m.kind}${m.familyRef ? ` — ${m.familyRef}` : ''}, ${when(m.scheduledAt).slice(0, 10)}`;
  const entries = (kindOf: string) => r.entries.filter((e) => e.kind === kindOf);
  const entryRows = (list: MeetingRecord['entries']) =>
    list.map((e) => [
      esc(r.agenda.find((a) => a.id === e.agendaItem)?.title ?? e.agendaItem),
      esc(e.text),
      person(e.author),
    ]);
  const body =
    `<dl>` +
    `<dt>Family</dt><dd>${esc(m.familyRef ?? '–')}</dd>` +
    `<dt>Scheduled</dt><dd>${when(m.scheduledAt)}</dd>` +
    `<dt>Held</dt><dd>${when(m.startedAt)} to ${when(m.closedAt)}</dd>` +
    `<dt>Place</dt><dd>${esc(m.place ?? '–')}</dd>` +
    `<dt>Chair</dt><dd>${person(m.chair)}</dd>` +
    `<dt>Minute-taker</dt><dd>${person(m.minuteTaker)}</dd>` +
    `</dl>` +
    `<h2>Attendance</h2>` +
    table(
      'Professionals',
      ['Name', 'Agency', 'Attendance'],
      r.attendance.map((a) => [esc(a.displayName), esc(a.agencyName), esc(a.attendance ?? 'not recorded')]),
    ) +
    (r.familyAttendance.length
      ? table(
          'Family members',
          ['Member', 'Present'],
          r.familyAttendance.map((f) => [esc(f.memberRef), f.present ? 'yes' : 'no']),
        )
      : '') +
    `<h2>Agenda</h2>` +
    (r.agenda.length
      ? `<ol>${r.agenda.map((a) => `<li>${esc(a.title)}</li>`).join('')}</ol>`
      : '<p class="none">None.</p>') +
    `<h2>Minutes (final version ${r.minutes.version})</h2>` +
    minutesBody(r) +
    `<h2>Decisions</h2>` +
    table('Decisions', ['Agenda item', 'Decision', 'Recorded by'], entryRows(entries('decision'))) +
    (entries('information').length
      ? `<h2>Information shared</h2>` +
        table('Information', ['Agenda item', 'Information', 'Recorded by'], entryRows(entries('information')))
      : '') +
    (entries('action').length
      ? `<h2>Actions as minuted</h2>` +
        table('Actions minuted', ['Agenda item', 'Action', 'Recorded by'], entryRows(entries('action')))
      : '') +
    `<h2>Actions</h2>` +
    actionsTable(r.actions) +
    `<h2>Amendments</h2>` +
    (r.amendments.length
      ? r.amendments
          .map(
            (a) =>
              `<section class="amendment"><h3>Amendment ${a.number}, ${when(a.createdAt)}, by ${person(a.author)}</h3>` +
              `<p><strong>Correction:</strong> ${esc(a.text)}</p><p><strong>Reason:</strong> ${esc(a.reason)}</p></section>`,
          )
          .join('')
      : '<p class="none">None: the minutes stand as signed.</p>');
  return { title, body };
}

function planPage(r: FamilyPlanRecord): { title: string; body: string } {
  const doc = r.plan.document;
  const objectives = isObject(doc) && Array.isArray(doc.objectives) ? (doc.objectives as unknown[]) : null;
  const names = new Map(
    (objectives ?? []).flatMap((o) =>
      isObject(o) && typeof o.id === 'string' && typeof o.objective === 'string' ? [[o.id, o.objective] as const] : [],
    ),
  );
  const objectiveName = (id: string) => names.get(id) ?? id;
  const body =
    `<dl>` +
    `<dt>Family</dt><dd>${esc(r.family.ref)}</dd>` +
    `<dt>Lead worker</dt><dd>${person(r.family.leadWorker)}</dd>` +
    `<dt>Plan version</dt><dd>${r.plan.version}, saved ${when(r.plan.savedAt)} by ${person(r.plan.author)} and signed by their device</dd>` +
    `<dt>Review by</dt><dd>${esc(r.plan.reviewOn)}${r.plan.reviewOverdue ? ' <strong>(review overdue)</strong>' : ''}</dd>` +
    `</dl>` +
    `<h2>Family members</h2>` +
    table(
      'Family members',
      ['Member', 'Role', 'Covered by the plan'],
      r.members.map((m) => [esc(m.memberRef), esc(m.role), m.covered ? 'yes' : '<strong>no</strong>']),
    ) +
    `<h2>Objectives</h2>` +
    (objectives
      ? table(
          'Objectives',
          ['Objective', 'Outcome', 'Measure'],
          objectives.map((o) =>
            isObject(o)
              ? [
                  esc(asString(o.objective ?? o.id ?? '')),
                  esc(asString(o.outcome ?? '')),
                  esc(asString(o.measure ?? '')),
                ]
              : [esc(asString(o)), '', ''],
          ),
        ) +
        (isObject(doc) && doc.familyVoice ? `<h3>The family’s voice</h3>${paragraphs(asString(doc.familyVoice))}` : '')
      : raw(doc)) +
    `<h2>Progress</h2>` +
    table(
      'Progress reports',
      ['Objective', 'From', 'Report', 'By', 'When'],
      r.progress.map((p) => [
        esc(objectiveName(p.objective)),
        p.kind === 'family' ? 'the family' : 'professional',
        esc(p.text),
        person(p.author),
        when(p.createdAt),
      ]),
    ) +
    `<h2>Actions</h2>` +
    actionsTable(r.actions, objectiveName);
  return { title: `Whole-family plan — ${r.family.ref}`, body };
}

const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;color:#1b1b1b;max-width:60rem;margin:2rem auto;padding:0 1rem}' +
  'h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #767676}h3{font-size:1.05rem}' +
  'table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}caption{text-align:left;font-weight:600}' +
  'th,td{border:1px solid #767676;padding:.3rem .5rem;text-align:left;vertical-align:top}' +
  'dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:600}dd{margin:0}' +
  '.agency,.none{color:#505050}.seal{border:2px solid #1d4f91;padding:.75rem 1rem;margin-top:2rem}' +
  'pre{white-space:pre-wrap;background:#f3f3f3;padding:.5rem}@media print{.seal{break-inside:avoid}}';

/** The signed export as one self-contained, accessible HTML page with the signed JSON embedded. */
export function renderExportHtml(doc: SignedExport): string {
  const page = doc.kind === 'meeting' ? meetingPage(doc.record) : planPage(doc.record);
  const by = doc.exportedBy;
  // The JSON is inert data (`application/json` is never executed); `<` and `&` are escaped so no text in
  // it can close the element early.
  const json = JSON.stringify(doc, null, 2).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
  return (
    '<!doctype html>\n' +
    '<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n' +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">\n` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
    `<title>${esc(page.title)}</title>\n<style>${STYLE}</style>\n</head>\n<body>\n<main>\n` +
    `<p>Strongroom case-record export · OFFICIAL-SENSITIVE</p>\n<h1>${esc(page.title)}</h1>\n` +
    page.body +
    `\n<section class="seal" aria-labelledby="seal-heading"><h2 id="seal-heading">Signature</h2>` +
    `<p>Exported ${when(doc.exportedAt)} by ${person(by)} from ${esc(doc.source)}, and signed by their device ` +
    `<code>${esc(by.deviceId)}</code> (Ed25519 public key <code>${esc(by.publicKey)}</code>).</p>` +
    `<p>Export <code>${esc(doc.exportId)}</code>. To check it has not been changed since, and who signed it, run ` +
    `<code>strongroom export verify &lt;this file&gt;</code>: it needs no server or account, and it proves who ` +
    `signed only against keys you already hold (the people your computer has verified, or keys you give it). ` +
    `The format is described in Strongroom’s docs/export-format.md.</p></section>\n` +
    `</main>\n<script type="application/json" id="${DATA_ID}">\n${json}\n</script>\n</body>\n</html>\n`
  );
}

/** The signed JSON embedded in an export page, or null when there is none. */
export function exportFromHtml(html: string): unknown {
  const m = new RegExp(`<script type="application/json" id="${DATA_ID}">\\n([\\s\\S]*?)\\n</script>`).exec(html);
  if (!m) return null;
  try {
    return JSON.parse(m[1]);
  } catch {
    return null;
  }
}

/**
 * Verifies an export file's text, JSON or HTML, offline, and whether its signers are vouched for by
 * `anchors` (see `verifyExport`). For HTML, the embedded JSON is verified and the page must be exactly
 * what that JSON renders to: nothing visible was edited.
 */
export async function verifyExportText(text: string, anchors: TrustAnchors = {}): Promise<ExportVerification> {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      // reported below as not an export
    }
    return verifyExport(parsed, anchors);
  }
  const doc = exportFromHtml(text);
  const result = await verifyExport(doc, anchors);
  if (!result.exportedBy) return result;
  let same: boolean;
  try {
    same = renderExportHtml(doc as SignedExport) === text;
  } catch {
    same = false;
  }
  result.checks.push({ check: 'the readable page shows exactly the signed record', ok: same });
  return settleVerification(result);
}
