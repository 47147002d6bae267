// Comments on a task (markdown), with @mention completion from the workspace's members. What is
// typed is kept as a draft (per task and user) until the server has it; a refused comment comes
// back into the box with the reason.
import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { tempId, useTandemMutation } from '../../api/mutations.js';
import { useComments, useMe, useMembers } from '../../api/queries.js';
import { Avatar } from '../../ui/Avatar.js';
import { Markdown } from '../../ui/Markdown.js';
import { draftKey, loadDraft, onRefused, saveDraft } from './drafts.js';
import { insertMention, matchMembers, mentionHandle, mentionQuery } from './mentions.js';

export function Comments({ wid, taskId }: { wid: string; taskId: string }) {
  const { data: comments = [], isPending } = useComments(taskId);
  const { data: members = [] } = useMembers(wid);
  const { data: me } = useMe();
  const create = useTandemMutation('comment.create');
  const [text, setText] = useState('');
  const [caret, setCaret] = useState(0);
  const [pick, setPick] = useState(0);
  const [refusal, setRefusal] = useState<string | null>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  const draft = me ? draftKey('comment', taskId, me.id) : null;
  const names = new Map(members.map((m) => [m.userId, m.displayName]));

  useEffect(() => {
    if (!draft) return;
    let live = true;
    void loadDraft(draft).then((d) => {
      if (!live || !d) return;
      setText((typed) => typed || d.text);
      setRefusal(d.reason ?? null);
    });
    const off = onRefused(draft, (d) => {
      setText(d.text);
      setRefusal(d.reason ?? null);
    });
    return () => {
      live = false;
      off();
    };
  }, [draft]);

  const edit = (next: string) => {
    setText(next);
    if (draft) void saveDraft(draft, next, refusal ?? undefined);
  };

  const mention = mentionQuery(text, caret);
  const suggestions = mention ? matchMembers(members, mention.query) : [];

  const choose = (i: number) => {
    const m = suggestions[i];
    if (!m || !mention) return;
    const next = insertMention(text, mention.start, caret, mentionHandle(m));
    edit(next.text);
    setCaret(next.caret);
    requestAnimationFrame(() => box.current?.setSelectionRange(next.caret, next.caret));
  };

  const send = () => {
    const body = text.trim();
    if (!body || !me) return;
    // Shown at once as "sending…"; if the server refuses it, the text comes back here.
    create.mutate({ taskId, body, tempId: tempId(), authorId: me.id });
    setText('');
    setCaret(0);
    setRefusal(null);
    if (draft) void saveDraft(draft, '');
  };

  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (suggestions.length > 0) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        setPick((p) => (p + (e.key === 'ArrowDown' ? 1 : suggestions.length - 1)) % suggestions.length);
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        choose(Math.min(pick, suggestions.length - 1));
        return;
      }
    }
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      send();
    }
  };

  return (
    <section className="comments">
      <h3>Comments</h3>
      {isPending && <p className="muted">Loading comments…</p>}
      <ol>
        {comments.map((c) => {
          const author = names.get(c.authorId) ?? 'Someone';
          return (
            <li key={c.id} data-comment-id={c.id} className={`comment ${c.id.startsWith('tmp-') ? 'pending' : ''}`}>
              <Avatar id={c.authorId} name={author} />
              <div>
                <div className="comment-head">
                  <strong>{author}</strong>
                  <time className="muted" dateTime={c.createdAt}>
                    {new Date(c.createdAt).toLocaleString()}
                  </time>
                  {c.id.startsWith('tmp-') && <span className="muted">sending…</span>}
                </div>
                <Markdown text={c.body} />
              </div>
            </li>
          );
        })}
      </ol>
      <div className="comment-box">
        <textarea
          ref={box}
          aria-label="Write a comment"
          placeholder="Write a comment… @ to mention, Ctrl+Enter to send"
          rows={3}
          value={text}
          aria-invalid={refusal ? true : undefined}
          aria-describedby={refusal ? `comment-refusal-${taskId}` : undefined}
          onChange={(e) => {
            edit(e.target.value);
            setCaret(e.target.selectionStart);
            setPick(0);
          }}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
          onKeyDown={onKey}
        />
        {suggestions.length > 0 && (
          <div className="mention-menu" title="Mention someone">
            {suggestions.map((m, i) => (
              <button
                key={m.userId}
                type="button"
                className={`mention-option ${i === pick ? 'active' : ''}`}
                aria-current={i === pick}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => choose(i)}
              >
                <Avatar id={m.userId} name={m.displayName} size={18} /> {m.displayName} <span className="muted">{m.email}</span>
              </button>
            ))}
          </div>
        )}
        {refusal && (
          <p className="form-error refusal" id={`comment-refusal-${taskId}`} role="alert">
            <strong>Not sent.</strong> {refusal.replace(/[.!?]?$/, '.')} Your text is still here.
          </p>
        )}
        <button type="button" className="primary" onClick={send} disabled={!text.trim()}>
          Comment
        </button>
      </div>
    </section>
  );
}
