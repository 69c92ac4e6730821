import { signInSource } from './sign-in-source.js';

describe('the source a sign-in attempt counts against', () => {
  it('is an IPv4 address as it is, also when written as IPv6', () => {
    expect(signInSource('192.0.2.1')).toBe('192.0.2.1');
    expect(signInSource('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(signInSource('::FFFF:127.0.0.1')).toBe('127.0.0.1');
  });

  it('is the /64 network of an IPv6 address, however it is written', () => {
    const net = '2001:db8:1:2::/64';
    expect(signInSource('2001:db8:1:2::1')).toBe(net);
    expect(signInSource('2001:0DB8:0001:0002:ffff:eeee:dddd:cccc')).toBe(net);
    expect(signInSource('2001:db8:1:2:3::')).toBe(net);
    expect(signInSource('2001:db8:1:2::1%eth0')).toBe(net);
    expect(signInSource('2001:db8:1:3::1')).not.toBe(net);
    expect(signInSource('::1')).toBe('0:0:0:0::/64');
    expect(signInSource('2001:db8::')).toBe('2001:db8:0:0::/64');
    expect(signInSource('fe80::1:2:3:4')).toBe('fe80:0:0:0::/64');
    expect(signInSource('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
  });

  it('is "unknown" when the address is not known', () => {
    expect(signInSource(null)).toBe('unknown');
    expect(signInSource('')).toBe('unknown');
  });
});
