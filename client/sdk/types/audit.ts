/** Shapes of the server's responses (audit), as the SDK exposes them. Dates arrive as ISO strings. */
export interface AuditEventView {
  seq: number;
  occurredAt: string;
  actorUserId: string | null;
  actorAgencyId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  outcome: 'success' | 'failure' | 'denied';
  requestId: string | null;
  sourceIp: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface AuditVerifyReport {
  ok: boolean;
  eventsChecked: number;
  head: { seq: number; hash: string };
  firstBroken: { seq: number; reason: 'sequence_gap' | 'prev_hash_mismatch' | 'hash_mismatch' } | null;
}
