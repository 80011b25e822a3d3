import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { callbackUrl } from '../src/domain/callback-url.ts';

describe('PUBLIC_URL', () => {
  it('is optional, and prints the callback URL under it (one slash, whatever was typed)', () => {
    expect(loadConfig({}).publicUrl).toBeUndefined();
    expect(callbackUrl(undefined)).toBe('https://YOUR-HOST/kaleyra/callbacks');
    const config = loadConfig({ PUBLIC_URL: ' https://orders.example.com/ ' });
    expect(config.publicUrl).toBe('https://orders.example.com');
    expect(callbackUrl(config.publicUrl)).toBe('https://orders.example.com/kaleyra/callbacks');
  });

  it('stops start-up with one line when it is not an http(s) URL', () => {
    for (const value of ['orders.example.com', 'ftp://orders.example.com']) {
      expect(() => loadConfig({ PUBLIC_URL: value })).toThrow(ConfigError);
      expect(() => loadConfig({ PUBLIC_URL: value })).toThrow(/^PUBLIC_URL must /);
    }
  });
});
