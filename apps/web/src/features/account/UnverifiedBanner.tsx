// A clear line at the top while the person's email is unconfirmed (only when this server sends mail:
// without mail there is no way to confirm it).
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../../api/errors.js';
import { useMe } from '../../api/queries.js';
import { api } from '../../api/tandem.js';
import { accountKeys } from './account.js';
import './account.css';

export function UnverifiedBanner() {
  const { data: me } = useMe();
  const { data: providers } = useQuery({
    queryKey: accountKeys.providers,
    queryFn: () => api.identity.providers(),
    staleTime: 10 * 60_000,
  });
  const [sent, setSent] = useState<'idle' | 'sending' | 'sent' | { error: string }>('idle');
  if (me?.emailVerified !== false || !providers?.email) return null;
  const resend = async () => {
    setSent('sending');
    try {
      await api.identity.resendVerification();
      setSent('sent');
    } catch (err) {
      setSent({ error: errorMessage(err) });
    }
  };
  return (
    <div className="verify-banner" role="status">
      <span>
        Please confirm your email address: we sent a link to <strong>{me.email}</strong>.
      </span>
      {sent === 'sent' ? (
        <span>A new link is on its way.</span>
      ) : (
        <button type="button" className="link" disabled={sent === 'sending'} onClick={() => void resend()}>
          Send the link again
        </button>
      )}
      {typeof sent === 'object' && <span className="form-error">{sent.error}</span>}
    </div>
  );
}
