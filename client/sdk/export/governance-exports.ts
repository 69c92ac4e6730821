import type { AuditEventFilters, AuditEventView } from '../../../contracts/audit.js';
import type { DisposalView } from '../../../contracts/retention.js';
import type { StrongroomClient } from '../client.js';
import { csvRow } from './csv.js';

/**
 * The files a data-protection lead exports from the audit log and the disposal records (issue 16), made
 * the same way by the CLI (written to disk) and the web client (offered as a download), so a file from
 * either reads the same in a spreadsheet or a checker.
 */

/** Every field of an audit event as the server sent it, so an export can be checked against the chain. */
const AUDIT_EVENT_FIELDS = [
  'seq',
  'occurredAt',
  'actorUserId',
  'actorAgencyId',
  'action',
  'targetType',
  'targetId',
  'outcome',
  'requestId',
  'sourceIp',
  'details',
  'prevHash',
  'hash',
] as const;

/** The CSV header of an audit export: the event's fields, then names where the exporter may list them. */
export const AUDIT_EVENT_CSV_HEADER = csvRow([...AUDIT_EVENT_FIELDS, 'actorEmail', 'actorName', 'actorAgencyName']);

/** Names for ids, from what the exporter may list; an id without one is left as the id alone. */
export interface AuditExportNames {
  who: Map<string, { email: string; name: string }>;
  agency: Map<string, string>;
}

/** Names for ids from the people and agencies this reader may list (none, if they may list none). */
export async function auditExportNames(
  client: Pick<StrongroomClient, 'users' | 'agencies'>,
): Promise<AuditExportNames> {
  const [users, agencies] = await Promise.all([client.users().catch(() => []), client.agencies().catch(() => [])]);
  return {
    who: new Map(users.map((u) => [u.id, { email: u.email, name: u.displayName }])),
    agency: new Map(agencies.map((a) => [a.id, a.name])),
  };
}

/** One event as a CSV line (details as one cell of JSON), in AUDIT_EVENT_CSV_HEADER's order. */
export function auditEventCsvRow(e: AuditEventView, names: AuditExportNames): string {
  const actor = e.actorUserId ? names.who.get(e.actorUserId) : undefined;
  return csvRow([
    ...AUDIT_EVENT_FIELDS.map((c) => (c === 'details' ? JSON.stringify(e.details) : e[c])),
    actor?.email ?? null,
    actor?.name ?? null,
    e.actorAgencyId ? (names.agency.get(e.actorAgencyId) ?? null) : null,
  ]);
}

/**
 * A JSON audit export in three parts, so it can be written page by page: the opening (what it is, when,
 * with which filters), each event (`index` counts from 0 across pages), and the closing with the count.
 */
export const auditEventsJson = {
  opening: (filters: AuditEventFilters, exportedAt: string): string => {
    const given = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined));
    return (
      `{"kind":"strongroom-audit-events","exportedAt":${JSON.stringify(exportedAt)},` +
      `"filters":${JSON.stringify(given)},"events":[`
    );
  },
  event: (e: AuditEventView, index: number): string => (index ? ',\n' : '\n') + JSON.stringify(e),
  closing: (count: number): string => `\n],"count":${count}}\n`,
};

const DISPOSAL_COLUMNS = [
  'id',
  'runAt',
  'recordClass',
  'rule',
  'channelId',
  'channelKind',
  'count',
  'oldestCreatedAt',
  'newestCreatedAt',
] as const;

/** Disposal records as a whole file: CSV with a header line, or indented JSON. Never content: there is none. */
export function disposalsExport(records: readonly DisposalView[], format: 'csv' | 'json'): string {
  if (format === 'json') return JSON.stringify(records, null, 2) + '\n';
  return [csvRow(DISPOSAL_COLUMNS), ...records.map((d) => csvRow(DISPOSAL_COLUMNS.map((c) => d[c])))].join('');
}
