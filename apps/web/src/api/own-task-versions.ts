// Every edit of a task is sent with the version it was made on, so the server refuses (409) an
// edit made on a copy someone else has since changed. This device's own edits replay one after
// another; a version one of them produced is not someone else's change, so a later edit made on
// the earlier copy follows this device's own successors before it is sent.
const STORAGE_KEY = 'tandem.own-task-versions';
const KEEP = 200;

function load(): Map<string, number> {
  try {
    return new Map(JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]') as [string, number][]);
  } catch {
    return new Map();
  }
}

const successors = load();

/** The version to send for an edit of `taskId` made on `base`. */
export function versionToSend(taskId: string, base: number): number {
  let v = base;
  for (let next = successors.get(`${taskId}@${v}`); next !== undefined && next > v; next = successors.get(`${taskId}@${v}`)) v = next;
  return v;
}

/** Our edit sent with `sent` was accepted; the server's answer carries `answered`. */
export function recordOwnEdit(taskId: string, sent: number, answered: number) {
  // An edit that changed nothing keeps the version; one that changed something adds exactly one.
  if (answered === sent) return;
  successors.set(`${taskId}@${sent}`, sent + 1);
  while (successors.size > KEEP) successors.delete(successors.keys().next().value!);
  localStorage.setItem(STORAGE_KEY, JSON.stringify([...successors]));
}

export function forgetOwnEdits() {
  successors.clear();
  localStorage.removeItem(STORAGE_KEY);
}
