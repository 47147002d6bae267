// Workspace settings → webhooks (owners): create one (pick events; the secret is shown once), list
// them, see each delivery (status, attempts, response code) and send one again.
import type { WebhookDeliveryView, WebhookView } from '@tandem/protocol';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../../api/errors.js';
import { useWorkspaces } from '../../api/queries.js';
import { api } from '../../api/tandem.js';
import { FormError } from '../../ui/FormError.js';
import { toast } from '../../ui/toast.js';
import { when } from '../account/account.js';
import '../account/account.css';
import './webhooks.css';

// Listed here rather than imported: the protocol package's runtime pulls its request schemas (zod) into the bundle.
const EVENT_GROUPS: Array<[string, string[]]> = [
  ['Tasks', ['task.created', 'task.updated', 'task.moved', 'task.deleted']],
  ['Comments', ['comment.created', 'comment.updated', 'comment.deleted']],
  ['Checklists', ['checklist.added', 'checklist.updated', 'checklist.moved', 'checklist.removed']],
  ['Projects and people', ['project.created', 'project.updated', 'member.changed']],
  ['Sprints', ['sprint.created', 'sprint.started', 'sprint.completed', 'sprint.updated', 'sprint.deleted']],
  ['Statuses', ['status.created', 'status.updated', 'status.deleted']],
];

const hooksKey = (wid: string) => ['webhooks', wid] as const;
const deliveriesKey = (id: string) => ['webhook-deliveries', id] as const;

export function WebhooksPage({ wid }: { wid: string }) {
  const { data: workspaces } = useWorkspaces();
  const isOwner = workspaces?.find((w) => w.id === wid)?.role === 'owner';
  const { data, error, isPending } = useQuery({
    queryKey: hooksKey(wid),
    queryFn: async () => (await api.identity.webhooks.list(wid)).items,
    enabled: isOwner,
  });
  const [open, setOpen] = useState<string | null>(null);
  if (workspaces && !isOwner) {
    return (
      <section className="page">
        <h1>Webhooks</h1>
        <p className="muted">Only the workspace's owners manage webhooks.</p>
      </section>
    );
  }
  return (
    <section className="page account-page">
      <header className="page-header">
        <h1>Webhooks</h1>
      </header>
      <p className="muted">
        Tandem POSTs what happens in this workspace to your URL as JSON, signed in <code>X-Tandem-Signature</code> (HMAC-SHA256 of the body
        with the webhook's secret). Failed deliveries are retried with backoff; receivers dedupe by <code>X-Tandem-Delivery</code>.
      </p>
      <NewWebhook wid={wid} />
      {isPending && isOwner && <p className="muted">Loading…</p>}
      <FormError error={error ? errorMessage(error) : null} />
      {data?.length === 0 && <p className="muted">No webhooks yet.</p>}
      <ul className="account-list" aria-label="Webhooks">
        {data?.map((h) => (
          <WebhookRow key={h.id} wid={wid} hook={h} open={open === h.id} onToggle={() => setOpen(open === h.id ? null : h.id)} />
        ))}
      </ul>
    </section>
  );
}

function NewWebhook({ wid }: { wid: string }) {
  const qc = useQueryClient();
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<Set<string>>(new Set(['task.created']));
  const [error, setError] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  const toggle = (e: string) => {
    const next = new Set(events);
    if (next.has(e)) next.delete(e);
    else next.add(e);
    setEvents(next);
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (events.size === 0) return setError('Events: pick at least one');
    try {
      const created = await api.identity.webhooks.create(wid, { url: url.trim(), events: [...events] });
      setSecret({ url: created.url, secret: created.secret });
      setUrl('');
      await qc.invalidateQueries({ queryKey: hooksKey(wid) });
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <section className="account-section" aria-labelledby="new-hook">
      <h2 id="new-hook">Add a webhook</h2>
      {secret && (
        <div className="new-token" role="status">
          <p>
            <strong>Webhook created.</strong> Its signing secret is shown this once: keep it with your receiver.
          </p>
          <div className="new-token-value">
            <input aria-label="Signing secret" readOnly value={secret.secret} onFocus={(e) => e.currentTarget.select()} />
            <button type="button" onClick={() => void navigator.clipboard?.writeText(secret.secret).then(() => toast('Secret copied'))}>
              Copy
            </button>
            <button type="button" onClick={() => setSecret(null)}>
              Done
            </button>
          </div>
        </div>
      )}
      <form className="webhook-form" onSubmit={submit} noValidate>
        <input
          aria-label="Payload URL"
          placeholder="https://example.com/tandem-hook"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          type="url"
        />
        <fieldset className="event-picker">
          <legend>Events</legend>
          <label className="event-all">
            <input type="checkbox" checked={events.has('*')} onChange={() => toggle('*')} /> Everything (<code>*</code>)
          </label>
          {EVENT_GROUPS.map(([group, list]) => (
            <div key={group} className="event-group">
              <span className="muted">{group}</span>
              {list.map((ev) => (
                <label key={ev}>
                  <input
                    type="checkbox"
                    disabled={events.has('*')}
                    checked={events.has(ev) || events.has('*')}
                    onChange={() => toggle(ev)}
                  />{' '}
                  <code>{ev}</code>
                </label>
              ))}
            </div>
          ))}
        </fieldset>
        <FormError error={error} />
        <div>
          <button type="submit" className="primary" disabled={!url.trim()}>
            Add webhook
          </button>
        </div>
      </form>
    </section>
  );
}

function WebhookRow({ wid, hook, open, onToggle }: { wid: string; hook: WebhookView; open: boolean; onToggle: () => void }) {
  const qc = useQueryClient();
  const remove = async () => {
    if (!confirm(`Remove the webhook to ${hook.url}? Pending deliveries are dropped.`)) return;
    try {
      await api.identity.webhooks.remove(hook.id);
      toast('Webhook removed');
    } catch (err) {
      toast(errorMessage(err), 'error');
    }
    await qc.invalidateQueries({ queryKey: hooksKey(wid) });
  };
  return (
    <li className="webhook-row">
      <div className="account-row">
        <div className="account-what">
          <strong className="webhook-url">{hook.url}</strong>
          <span className="muted">
            {hook.events.join(', ')} · added {when(hook.createdAt)}
          </span>
        </div>
        <button type="button" aria-expanded={open} onClick={onToggle}>
          {open ? 'Hide deliveries' : 'Deliveries'}
        </button>
        <button type="button" className="danger" onClick={() => void remove()}>
          Remove
        </button>
      </div>
      {open && <Deliveries hookId={hook.id} />}
    </li>
  );
}

const statusText = (d: WebhookDeliveryView) =>
  d.status === 'succeeded' ? 'delivered' : d.status === 'failed' ? 'failed' : d.attempts > 0 ? 'retrying' : 'queued';

function Deliveries({ hookId }: { hookId: string }) {
  const qc = useQueryClient();
  const { data, error } = useQuery({
    queryKey: deliveriesKey(hookId),
    queryFn: async () => (await api.identity.webhooks.deliveries(hookId)).items,
    refetchInterval: 3000,
  });
  const redeliver = async (d: WebhookDeliveryView) => {
    try {
      await api.identity.webhooks.redeliver(hookId, d.id);
      toast('Delivery queued again');
    } catch (err) {
      toast(errorMessage(err), 'error');
    }
    await qc.invalidateQueries({ queryKey: deliveriesKey(hookId) });
  };
  return (
    <div className="deliveries">
      <FormError error={error ? errorMessage(error) : null} />
      {data?.length === 0 && <p className="muted">No deliveries yet: they appear when something happens in the workspace.</p>}
      {!!data?.length && (
        <table aria-label="Deliveries">
          <thead>
            <tr>
              <th>Event</th>
              <th>Status</th>
              <th>Attempts</th>
              <th>Response</th>
              <th>When</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {data.map((d) => (
              <tr key={d.id}>
                <td>
                  <code>{d.event}</code>
                </td>
                <td>
                  <span className={`pill ${d.status === 'succeeded' ? 'ok' : d.status === 'failed' ? 'bad' : 'warn'}`}>
                    {statusText(d)}
                  </span>
                </td>
                <td>{d.attempts}</td>
                <td title={d.error ?? undefined}>{d.responseStatus ?? (d.error ? 'no answer' : '—')}</td>
                <td>{when(d.createdAt)}</td>
                <td>
                  <button type="button" onClick={() => void redeliver(d)}>
                    Redeliver
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
