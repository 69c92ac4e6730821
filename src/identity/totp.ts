import { generateSecret, generateURI, verify } from 'otplib';

export const newTotpSecret = (): string => generateSecret();

export const totpUri = (email: string, secret: string): string =>
  generateURI({ issuer: 'Strongroom', label: email, secret });

/**
 * Checks a code against the secret at `now`, allowing one 30 s step of clock drift either way, and
 * refusing any time step at or before the last one accepted (a code works once).
 */
export async function checkTotp(
  secret: string,
  code: string,
  now: Date,
  lastTimeStep: number | null,
): Promise<number | null> {
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(now.getTime() / 1000),
    epochTolerance: 30,
    ...(lastTimeStep !== null ? { afterTimeStep: lastTimeStep } : {}),
  });
  return result.valid ? Math.floor(now.getTime() / 30_000) + result.delta : null;
}
