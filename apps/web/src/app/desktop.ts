// When running inside the desktop app, its preload exposes a small bridge (desktop-bridge.ts):
// deep links (tandem://…) arrive here as in-app paths.
import { desktop } from './desktop-bridge.js';
import { navigate } from './router.js';

desktop?.onDeepLink((path) => navigate(path));
