import { describe, expect, it } from 'vitest';
import { linkHref } from '../src/features/docs/editor/link-entry.js';

describe('the link entry', () => {
  it('accepts web and mail addresses and paths inside Tandem, adding https:// to a bare domain', () => {
    expect(linkHref(' https://example.com/a?b=1 ')).toEqual({ href: 'https://example.com/a?b=1' });
    expect(linkHref('http://intranet.local')).toEqual({ href: 'http://intranet.local' });
    expect(linkHref('example.com/docs')).toEqual({ href: 'https://example.com/docs' });
    expect(linkHref('mailto:ana@example.com')).toEqual({ href: 'mailto:ana@example.com' });
    expect(linkHref('/w/abc/d/def')).toEqual({ href: '/w/abc/d/def' });
  });

  it('refuses scripts, data, other schemes and things that are not addresses, saying why', () => {
    for (const bad of [
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      'java\tscript:alert(1)',
      'data:text/html,x',
      'vbscript:x',
      'file:///etc/passwd',
    ]) {
      expect(linkHref(bad)).toHaveProperty('error');
    }
    expect(linkHref('javascript:alert(1)')).toEqual({ error: '“javascript:” links are not allowed; use http, https or mailto' });
    expect(linkHref('')).toHaveProperty('error');
    expect(linkHref('two words')).toHaveProperty('error');
    expect(linkHref('//evil.example')).toHaveProperty('error');
    expect(linkHref('mailto:nobody')).toHaveProperty('error');
    expect(linkHref('localhost:3000')).toHaveProperty('error');
  });
});
