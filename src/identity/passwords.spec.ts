import { hashPassword, PasswordVerifier, passwordProblems } from './passwords.js';

const verifier15 = () => new PasswordVerifier({ PASSWORD_SCRYPT_LOG_N: 15 });
const verifyPassword = (password: string, stored: string | null) => verifier15().verify(password, stored);

describe('passwords', () => {
  it('verifies the right password and rejects a wrong one', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash.startsWith('scrypt$32768$8$1$')).toBe(true);
    await expect(verifyPassword('correct horse battery staple', hash)).resolves.toBe(true);
    await expect(verifyPassword('correct horse battery stapLe', hash)).resolves.toBe(false);
  });

  it('never verifies against a missing hash, but does the same work as against a real one', async () => {
    const verifier = verifier15();
    const derive = jest.spyOn(verifier, 'derive');
    await expect(verifier.verify('anything at all here', null)).resolves.toBe(false);
    await expect(verifier.verify('anything at all here', await hashPassword('another password'))).resolves.toBe(false);
    expect(derive).toHaveBeenCalledTimes(2);
    const [, nullSalt, nullParams] = derive.mock.calls[0];
    const [, realSalt, realParams] = derive.mock.calls[1];
    expect(nullParams).toEqual(realParams);
    expect(nullSalt.length).toBe(realSalt.length);
  });

  it('salts each hash differently', async () => {
    expect(await hashPassword('same password twice')).not.toBe(await hashPassword('same password twice'));
  });

  it('rejects passwords under 12 characters, counting characters not bytes', () => {
    expect(passwordProblems('short')).toContain('must be at least 12 characters');
    expect(passwordProblems('ééééééééééé')).toContain('must be at least 12 characters');
    expect(passwordProblems('éééééééééééé')).toEqual([]);
  });

  it('rejects a password from the 10k common list whatever its case, even at 12+ characters', () => {
    expect(passwordProblems('unbelievable')).toEqual(['is one of the most commonly used passwords']);
    expect(passwordProblems('UnBelievable')).toEqual(['is one of the most commonly used passwords']);
    expect(passwordProblems('qwerty')).toContain('is one of the most commonly used passwords');
  });

  it('accepts a long password that is not on the list', () => {
    expect(passwordProblems('Ivy-lantern-47-river')).toEqual([]);
  });

  it('rejects a password built from the e-mail name', () => {
    expect(passwordProblems('jane.doe-2026-secure', { email: 'jane.doe@council.example' })).toContain(
      'must not contain your e-mail name',
    );
  });
});
