// Comment threads in the document's margin: in the order of their text, each with its quote, its
// replies and resolve/reopen; new threads start from a selection. Live: every change to a thread
// arrives as an event on the document's room. Viewers read; editors comment.
import type { ThreadView } from '@tandem/protocol';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { Editor } from '@tiptap/core';
import { useEffect, useMemo, useState } from 'react';
import { errorMessage } from '../../api/errors.js';
import { client } from '../../api/session.js';
import { realtime } from '../../realtime/socket.js';
import { toast } from '../../ui/toast.js';
import { type Anchor, resolveAnchor, showThreads } from './editor/comment-anchors.js';

export interface PendingThread {
  anchor: Anchor;
  quote: string;
}

const threadsKey = (did: string) => ['document-threads', did] as const;

function useThreads(did: string) {
  const qc = useQueryClient();
  useEffect(
    () =>
      realtime.onFrame((frame) => {
        if (frame.t === 'event' && frame.room === `document:${did}` && frame.type.startsWith('thread.')) {
          void qc.invalidateQueries({ queryKey: threadsKey(did) });
        }
      }),
    [qc, did],
  );
  return useQuery({ queryKey: threadsKey(did), queryFn: async () => (await client.documentThreads.list(did)).items });
}

/** Re-renders on every change of the editor's content (local or remote). */
function useDocTick(editor: Editor | null) {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!editor) return;
    const bump = () => setTick((t) => t + 1);
    editor.on('update', bump);
    editor.on('create', bump);
    return () => {
      editor.off('update', bump);
      editor.off('create', bump);
    };
  }, [editor]);
  return tick;
}

const time = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function DocThreads(props: {
  did: string;
  editor: Editor | null;
  canComment: boolean;
  pending: PendingThread | null;
  onPendingDone: () => void;
}) {
  const { did, editor, canComment, pending, onPendingDone } = props;
  const qc = useQueryClient();
  const { data: threads = [], error } = useThreads(did);
  const tick = useDocTick(editor);
  const [active, setActive] = useState<string | null>(null);
  const [showResolved, setShowResolved] = useState(false);

  const placed = useMemo(() => {
    void tick;
    return threads.map((t) => ({ thread: t, range: editor ? resolveAnchor(editor.state, t.anchor) : null }));
  }, [threads, editor, tick]);
  const open = placed.filter((p) => !p.thread.resolvedAt).sort((a, b) => (a.range?.from ?? Infinity) - (b.range?.from ?? Infinity));
  const resolved = placed.filter((p) => p.thread.resolvedAt);

  useEffect(() => {
    if (editor && !editor.isDestroyed)
      showThreads(
        editor,
        threads.map((t) => ({ id: t.id, anchor: t.anchor, resolved: !!t.resolvedAt })),
        active,
      );
  }, [editor, threads, active]);

  const refresh = () => qc.invalidateQueries({ queryKey: threadsKey(did) });
  const focus = (t: ThreadView, range: { from: number } | null) => {
    setActive(t.id);
    if (editor && range) editor.commands.setTextSelection(range.from);
  };

  return (
    <aside className="doc-threads" aria-label="Comments">
      <h2 className="doc-threads-title">Comments</h2>
      {error && <p className="form-error">{errorMessage(error)}</p>}
      {pending && canComment && (
        <NewThread
          did={did}
          pending={pending}
          onDone={(created) => {
            onPendingDone();
            if (created) {
              setActive(created.id);
              void refresh();
            }
          }}
        />
      )}
      {open.length === 0 && !pending && (
        <p className="muted doc-threads-empty">{canComment ? 'Select text and choose Comment to start a thread.' : 'No comments yet.'}</p>
      )}
      {open.map(({ thread, range }) => (
        <ThreadCard
          key={thread.id}
          thread={thread}
          deleted={!range}
          active={thread.id === active}
          canComment={canComment}
          onFocus={() => focus(thread, range)}
          onChange={refresh}
        />
      ))}
      {resolved.length > 0 && (
        <button type="button" className="link-button" onClick={() => setShowResolved((s) => !s)} aria-expanded={showResolved}>
          {showResolved ? 'Hide' : 'Show'} resolved ({resolved.length})
        </button>
      )}
      {showResolved &&
        resolved.map(({ thread, range }) => (
          <ThreadCard
            key={thread.id}
            thread={thread}
            deleted={!range}
            active={false}
            canComment={canComment}
            onFocus={() => focus(thread, range)}
            onChange={refresh}
          />
        ))}
    </aside>
  );
}

function NewThread({ did, pending, onDone }: { did: string; pending: PendingThread; onDone: (t: ThreadView | null) => void }) {
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    if (!body.trim()) return;
    setBusy(true);
    try {
      onDone(await client.documentThreads.create(did, { anchor: pending.anchor, quote: pending.quote, body: body.trim() }));
    } catch (e) {
      toast(errorMessage(e), 'error');
      setBusy(false);
    }
  };
  return (
    <div className="thread-card new">
      <blockquote className="thread-quote">{pending.quote}</blockquote>
      <textarea
        aria-label="New comment"
        placeholder="Add a comment… (@name mentions)"
        value={body}
        autoFocus
        rows={3}
        onChange={(e) => setBody(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) void submit();
          if (e.key === 'Escape') onDone(null);
        }}
      />
      <div className="thread-actions">
        <button type="button" onClick={() => onDone(null)}>
          Cancel
        </button>
        <button type="button" className="primary" disabled={busy || !body.trim()} onClick={() => void submit()}>
          Comment
        </button>
      </div>
    </div>
  );
}

function ThreadCard(props: {
  thread: ThreadView;
  deleted: boolean;
  active: boolean;
  canComment: boolean;
  onFocus: () => void;
  onChange: () => void;
}) {
  const { thread, deleted, active, canComment, onFocus, onChange } = props;
  const [reply, setReply] = useState('');
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await action();
      onChange();
    } catch (e) {
      toast(errorMessage(e), 'error');
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className={`thread-card${active ? ' active' : ''}${thread.resolvedAt ? ' resolved' : ''}`} data-thread-id={thread.id}>
      <button type="button" className="thread-quote" title={deleted ? undefined : 'Show in the text'} onClick={onFocus}>
        {deleted && <span className="thread-deleted">On deleted text · </span>}
        {thread.quote}
      </button>
      <ol className="thread-comments">
        {thread.comments.map((c) => (
          <li key={c.id}>
            <div className="thread-meta">
              <strong>{c.authorName}</strong> <span className="muted">{time(c.createdAt)}</span>
            </div>
            <div className="thread-body">{c.body}</div>
          </li>
        ))}
      </ol>
      {canComment && (
        <>
          {!thread.resolvedAt && (
            <textarea
              aria-label="Reply"
              placeholder="Reply…"
              rows={1}
              value={reply}
              onChange={(e) => setReply(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && (e.metaKey || e.ctrlKey) && reply.trim())
                  void run(() => client.documentThreads.reply(thread.id, reply.trim())).then(() => setReply(''));
              }}
            />
          )}
          <div className="thread-actions">
            {thread.resolvedAt ? (
              <button type="button" disabled={busy} onClick={() => void run(() => client.documentThreads.reopen(thread.id))}>
                Reopen
              </button>
            ) : (
              <>
                <button type="button" disabled={busy} onClick={() => void run(() => client.documentThreads.resolve(thread.id))}>
                  Resolve
                </button>
                {reply.trim() && (
                  <button
                    type="button"
                    className="primary"
                    disabled={busy}
                    onClick={() => void run(() => client.documentThreads.reply(thread.id, reply.trim())).then(() => setReply(''))}
                  >
                    Reply
                  </button>
                )}
              </>
            )}
          </div>
        </>
      )}
    </div>
  );
}
