import { SocketBudget } from './socket-budget.js';

describe('a socket’s event budget (token bucket)', () => {
  it('lets a burst through, then refuses, then refills at the rate', () => {
    let now = 0;
    const budget = new SocketBudget(10, 5, () => now);
    expect(Array.from({ length: 6 }, () => budget.take())).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'limited']);
    now += 100; // one event's worth at 10 a second
    expect([budget.take(), budget.take()]).toEqual(['ok', 'limited']);
    now += 10_000; // refills to the burst, no further
    expect(Array.from({ length: 6 }, () => budget.take())).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'limited']);
  });

  it('cuts a socket that goes on sending as many events again while refused; a pause forgives', () => {
    let now = 0;
    const budget = new SocketBudget(10, 3, () => now);
    for (let i = 0; i < 3; i++) budget.take();
    expect(Array.from({ length: 4 }, () => budget.take())).toEqual(['limited', 'limited', 'limited', 'cut']);
    const patient = new SocketBudget(10, 3, () => now);
    for (let i = 0; i < 3; i++) patient.take();
    expect([patient.take(), patient.take()]).toEqual(['limited', 'limited']);
    now += 200;
    expect(patient.take()).toBe('ok');
    expect([patient.take(), patient.take(), patient.take(), patient.take()]).toEqual([
      'ok',
      'limited',
      'limited',
      'limited',
    ]);
  });
});
