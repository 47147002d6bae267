// /w/:wid/t/:tid — a task known only by id (from a notification or a deep link): look up its
// project, then open it on that project's board.
import { useEffect } from 'react';
import { errorMessage } from '../../api/errors.js';
import { useTask } from '../../api/queries.js';
import { navigate, paths } from '../../app/router.js';

export function TaskLink({ wid, tid }: { wid: string; tid: string }) {
  const { data: task, error } = useTask(tid);
  useEffect(() => {
    if (task?.projectId) navigate(paths.task(wid, task.projectId, tid), { replace: true });
  }, [task, wid, tid]);
  if (error) return <p className="form-error page">{errorMessage(error)}</p>;
  return <p className="muted page">Opening task…</p>;
}
