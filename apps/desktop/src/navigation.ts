// What happens when the page tries to go somewhere: the app's own pages stay in the window,
// ordinary web links open in the user's browser, anything else (file:, javascript:, custom
// schemes) is refused.
import { isServerPage } from './server-url.js';

export type NavigationDecision = 'stay' | 'external' | 'block';

const EXTERNAL = new Set(['http:', 'https:', 'mailto:']);

export function decideNavigation(serverUrl: string | null, target: string, localPages: string[] = []): NavigationDecision {
  if (isServerPage(serverUrl, target) || localPages.includes(target.split(/[?#]/)[0]!)) return 'stay';
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return 'block';
  }
  return EXTERNAL.has(url.protocol) ? 'external' : 'block';
}
