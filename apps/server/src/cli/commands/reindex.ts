// `tandem reindex`: rebuilds the search index from the database.
import { CommandError } from '../context.js';

export async function reindexCommand(): Promise<string> {
  throw new CommandError('this build has no search index to rebuild', 1);
}
