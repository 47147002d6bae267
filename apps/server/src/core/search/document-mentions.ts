// "@" in a document's text notifies the person mentioned, once per document: the indexer finds
// `mention` nodes when it reads the text (never per keystroke), claims a DocumentMentionNotice for
// each reader not told before (in the indexing transaction), and only those claimed are notified.
// People who cannot read the document are neither claimed nor told; should they gain access and
// the text be indexed again while it still mentions them, they hear of it then.
import { Injectable } from '@nestjs/common';
import { Database } from '../../base/database/database.js';
import { logger } from '../../base/logger/logger.js';
import { Notifier } from '../notifications/notifier.js';
import { PermissionPolicy } from '../permission/policy.js';

const log = logger('search-indexer');
/** More mentions than this in one pass are people pasted in bulk, not people to page. */
const MAX_NEW_MENTIONS = 50;

@Injectable()
export class DocumentMentions {
  constructor(
    private readonly db: Database,
    private readonly policy: PermissionPolicy,
    private readonly notifier: Notifier,
  ) {}

  /** The mentioned people not yet told about this document who may read it. */
  async readersToTell(documentId: string, mentioned: Set<string>): Promise<string[]> {
    if (mentioned.size === 0) return [];
    const { rows } = await this.db.pool.query<{ id: string }>(
      `SELECT u.id FROM unnest($2::uuid[]) u(id)
       WHERE NOT EXISTS (SELECT 1 FROM "DocumentMentionNotice" n WHERE n."documentId" = $1::uuid AND n."userId" = u.id)
       LIMIT ${MAX_NEW_MENTIONS}`,
      [documentId, [...mentioned]],
    );
    const access = await Promise.all(rows.map((r) => this.policy.access(r.id, { document: documentId })));
    return rows.filter((_, i) => access[i] && !access[i].trashed).map((r) => r.id);
  }

  /** Notifies the people just claimed, in the name of whoever last edited the text. */
  async tell(documentId: string, workspaceId: string, userIds: string[]): Promise<void> {
    if (userIds.length === 0) return;
    const { rows } = await this.db.pool.query<{ title: string; editorId: string | null }>(
      `SELECT d.title, (SELECT u."userId" FROM "DocumentUpdate" u WHERE u."documentId" = d.id AND u."userId" IS NOT NULL
                        ORDER BY u.id DESC LIMIT 1) AS "editorId"
       FROM "Document" d WHERE d.id = $1::uuid`,
      [documentId],
    );
    const doc = rows[0];
    if (!doc) return;
    try {
      await this.notifier.notify(userIds, {
        type: 'mentioned',
        workspaceId,
        actorId: doc.editorId,
        documentId,
        data: { documentTitle: doc.title },
      });
    } catch (err) {
      // The claims are committed: a failed send is logged, never retried into a duplicate.
      log.error({ err, documentId }, 'mention notifications not sent');
    }
  }
}
