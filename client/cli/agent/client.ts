import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import type { StoredDevice } from '../../sdk/node.js';
import { agentPaths, untrustedDir, untrustedSocket } from './paths.js';

/** A question to the agent: one JSON line per connection, answered by one JSON line. */
export type AgentRequest = { op: 'status' } | { op: 'keys'; userId: string; storeDigest: string } | { op: 'lock' };

/** What the agent says about itself. */
export interface AgentStatus {
  userId: string;
  email: string;
  until: string;
  /** The agent's process id (to find it in the process list). */
  pid: number;
}

type Answer = { ok: true; status?: AgentStatus; device?: StoredDevice } | { ok: false; reason: string };

/** Why no agent was used: nothing is listening, or what is there is not to be trusted (said to the person). */
export class AgentUnavailable extends Error {
  constructor(
    message: string,
    readonly untrusted = false,
  ) {
    super(message);
  }
}

/** The SHA-256 of a key store file: the agent serves the keys it unlocked only while the file is the same. */
export async function storeDigest(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

/**
 * Sends one request to this home's agent and reads its answer, after checking that the folder and the
 * socket are this user's alone (a socket anyone else could have put there would be handed requests, and
 * could answer with keys of its own choosing). A socket with nobody behind it is removed.
 */
export async function askAgent(env: Record<string, string | undefined>, request: AgentRequest): Promise<Answer> {
  const { dir, socket } = agentPaths(env);
  const dirProblem = await untrustedDir(dir);
  if (dirProblem === 'it does not exist') throw new AgentUnavailable('No agent is running.');
  if (dirProblem) throw new AgentUnavailable(`Not using the unlock agent in ${dir}: ${dirProblem}.`, true);
  const socketProblem = await untrustedSocket(socket);
  if (socketProblem === 'it does not exist') throw new AgentUnavailable('No agent is running.');
  if (socketProblem) throw new AgentUnavailable(`Not using the unlock agent at ${socket}: ${socketProblem}.`, true);
  try {
    return await exchange(socket, request);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED' || code === 'ENOENT') {
      // Left behind by an agent that was killed: nobody listens.
      await rm(socket, { force: true });
      throw new AgentUnavailable('No agent is running.');
    }
    throw new AgentUnavailable(`The unlock agent did not answer (${(err as Error).message}).`);
  }
}

/** One line out, one line back, within a few seconds. */
function exchange(socket: string, request: AgentRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const conn = connect(socket);
    const chunks: Buffer[] = [];
    conn.setTimeout(10_000, () => conn.destroy(new Error('timed out')));
    conn.on('connect', () => conn.end(JSON.stringify(request) + '\n'));
    conn.on('data', (c: Buffer) => chunks.push(c));
    conn.on('error', reject);
    conn.on('close', () => {
      const raw = Buffer.concat(chunks);
      try {
        resolve(JSON.parse(raw.toString('utf8')) as Answer);
      } catch {
        reject(new Error('an answer that could not be read'));
      } finally {
        raw.fill(0);
        for (const c of chunks) c.fill(0);
      }
    });
  });
}

/** Whether this home's agent is unlocked, for whom and until when; null when it is not running. */
export async function agentStatus(env: Record<string, string | undefined>): Promise<AgentStatus | null> {
  try {
    const answer = await askAgent(env, { op: 'status' });
    return answer.ok && answer.status ? answer.status : null;
  } catch (err) {
    if (err instanceof AgentUnavailable && !err.untrusted) return null;
    throw err;
  }
}

/**
 * This person's unlocked device from the agent, or null when there is none to use (not running, locked,
 * another person's, or the key store changed since it was unlocked). `warn` hears why an agent that is
 * there was not used.
 */
export async function agentDevice(
  env: Record<string, string | undefined>,
  userId: string,
  storeFile: string,
  warn: (message: string) => void,
): Promise<StoredDevice | null> {
  try {
    const answer = await askAgent(env, { op: 'keys', userId, storeDigest: await storeDigest(storeFile) });
    if (answer.ok && answer.device) return answer.device;
    if (!answer.ok && answer.reason === 'store_changed') {
      warn('The unlock agent holds keys this computer no longer uses: run `strongroom unlock` again.');
    }
    return null;
  } catch (err) {
    if (err instanceof AgentUnavailable) {
      if (err.untrusted) warn(err.message);
      return null;
    }
    throw err;
  }
}

/** Stops this home's agent (it wipes the keys first); false when none was running. */
export async function lockAgent(env: Record<string, string | undefined>): Promise<boolean> {
  try {
    return (await askAgent(env, { op: 'lock' })).ok;
  } catch (err) {
    if (err instanceof AgentUnavailable && !err.untrusted) return false;
    throw err;
  }
}
