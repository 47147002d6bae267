// The root: the persisted query cache, then either the sign-in screen or the signed-in shell.
import { PersistQueryClientProvider } from '@tanstack/react-query-persist-client';
import { onSignedInChange, useSignedIn } from '../api/session.js';
import { EmailLinkPage } from '../features/account/EmailLinkPages.js';
import { AuthScreen } from '../features/auth/AuthScreen.js';
import { SSO_LANDING_PATH, SsoLandingPage } from '../features/auth/sso.js';
import { DesktopExtras } from '../features/desktop/DesktopExtras.js';
import { FirstRun } from '../features/desktop/FirstRun.js';
import { InvitePage } from '../features/onboarding/InvitePage.js';
import '../features/onboarding/onboarding.css';
import './theme.js';
import { ConflictDialog } from '../features/tasks/ConflictDialog.js';
import { Toasts } from '../ui/toast-view.js';
import { needsFirstRun } from './desktop-bridge.js';
import { clearLocalData, persistOptions, queryClient } from './query.js';
import { parseRoute, usePath } from './router.js';
import { Shell } from './Shell.js';

// A login that ended anywhere (sign-out, a refresh token revoked on another device) leaves no
// data of that user in this browser.
onSignedInChange((signedIn) => {
  if (!signedIn) void clearLocalData();
});

export function App() {
  // Signed out, any URL shows the sign-in screen and stays put, so signing in lands where the link pointed.
  const signedIn = useSignedIn();
  const path = usePath();
  // An invitation link opens its own page, signed in or not.
  const route = parseRoute(path);
  // The desktop app before a server is chosen: connect to one or host one.
  if (needsFirstRun()) return <FirstRun />;
  return (
    <PersistQueryClientProvider
      client={queryClient}
      persistOptions={persistOptions}
      onSuccess={() => {
        // Writes queued before the app was closed go out first (they stay paused while offline);
        // then everything read from disk is only a placeholder until the server confirms it: the
        // screens on show refetch at once, the rest when they are next opened.
        void queryClient
          .resumePausedMutations()
          .catch(() => undefined)
          .then(() => queryClient.invalidateQueries());
      }}
    >
      {route.name === 'invite' ? (
        <InvitePage token={route.token} />
      ) : EmailLinkPage.handles(path) ? (
        <EmailLinkPage path={path} />
      ) : path === SSO_LANDING_PATH ? (
        <SsoLandingPage />
      ) : signedIn ? (
        <Shell />
      ) : (
        <AuthScreen />
      )}
      {signedIn && <ConflictDialog />}
      {signedIn && <DesktopExtras />}
      <Toasts />
    </PersistQueryClientProvider>
  );
}
