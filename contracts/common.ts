import { z } from 'zod';

/**
 * Building blocks shared by every feature's contract. This folder imports only `zod`: the server
 * validates with these schemas, the SDK and CLI read their types, and a browser can load them too (no
 * `Buffer`, no Node built-ins).
 */

/** How many bytes an unpadded base64url string decodes to (what Node's lenient decoder yields). */
export const base64urlLength = (s: string): number => Math.floor((s.length * 3) / 4);

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const BASE64URL_OR_EMPTY = /^[A-Za-z0-9_-]*$/;

/** Strict base64url of an exact decoded length: malformed keys are a 400, never a crash. */
/**
 * A plan objective's id: 16 random bytes in base64url (22 characters), made by the client. Never a word a
 * person chose ("school"): ids reach the database and the append-only audit log in clear, so the
 * objective's name lives only inside the sealed plan.
 */
export const objectiveId = z
  .string()
  .regex(
    /^[A-Za-z0-9_-]{22}$/,
    'must be an objective id made by the client (22 random letters and digits), not a name',
  );

export const base64url = (bytes: number) =>
  z
    .string()
    .regex(BASE64URL, 'must be base64url without padding')
    .refine((s) => base64urlLength(s) === bytes, `must decode to ${bytes} bytes`);

/** base64url of any length between the bounds (decoded bytes). */
export const base64urlBytes = (min: number, max: number) =>
  z
    .string()
    .regex(BASE64URL_OR_EMPTY, 'must be base64url without padding')
    .refine((s) => {
      const n = base64urlLength(s);
      return n >= min && n <= max;
    }, `must decode to between ${min} and ${max} bytes`);

/** A key epoch number as clients name it (1 is the first). */
export const epochNumber = z.number().int().min(1).max(2_000_000_000);

/** A calendar date, `YYYY-MM-DD`. */
export const isoDate = z.iso.date({ message: 'must be a date (YYYY-MM-DD)' });

/**
 * Something only a channel's members can read (a name, a rationale, a justification): nonce ‖
 * XChaCha20-Poly1305 ciphertext under that channel's key of `epoch` (docs/protocol.md). What it holds
 * is named by its purpose (contracts/sealed.ts).
 */
export const sealedField = z.strictObject({
  epoch: epochNumber,
  ciphertext: base64urlBytes(24 + 16 + 1, 24 + 16 + 16 * 1024),
});
export type SealedField = z.infer<typeof sealedField>;

// ── response building blocks ──
// Responses are described with zod too, so OpenAPI documents them and both sides share one type. They
// are never parsed at run time on the hot path; dates travel as ISO strings (what JSON makes of a Date).

/** A timestamp as it travels: ISO 8601 with milliseconds and `Z`. */
export const timestamp = z.string().describe('ISO 8601 timestamp');
/** A calendar date as it travels, `YYYY-MM-DD`. */
export const dateString = z.string().describe('YYYY-MM-DD');
/** A sealed field as the server returns it. */
export const sealedView = z.object({ epoch: z.number().int(), ciphertext: z.string() });

/** `{ ok: true }` style bodies and other tiny answers. */
export const statusBody = z.object({ status: z.string() });
export type StatusBody = z.infer<typeof statusBody>;

/**
 * Notice that a client exported a record (a family's plan, a closed meeting) to an agency's case system:
 * the export's own id, nothing of its content.
 */
export const recordExportSchema = z.strictObject({ exportId: z.uuid() });
export type RecordExportInput = z.infer<typeof recordExportSchema>;

/** The answer to an export notice (plan or meeting): the export's id and when the server recorded it. */
export const exportRecordedView = z.object({ exportId: z.uuid(), recordedAt: timestamp });
export type ExportRecordedView = z.infer<typeof exportRecordedView>;
