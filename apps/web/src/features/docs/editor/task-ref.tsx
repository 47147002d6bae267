// Task keys become chips: typing `WEB-12` and a space (for a project key of this workspace) inserts
// a `taskRef` node; the chip shows the task's title and its status, kept live through the task's
// realtime room (a move on the board changes it here at once).
import { TaskRef } from '@tandem/editor-schema';
import { useQuery } from '@tanstack/react-query';
import { InputRule } from '@tiptap/core';
import { NodeViewWrapper, type ReactNodeViewProps, ReactNodeViewRenderer } from '@tiptap/react';
import { useEffect } from 'react';
import { keys } from '../../../api/keys.js';
import { useStatuses } from '../../../api/queries.js';
import { api } from '../../../api/tandem.js';
import { Link, paths } from '../../../app/router.js';
import { useRoom } from '../../../realtime/live.js';

export interface ProjectKey {
  id: string;
  key: string;
}

export interface TaskRefOptions {
  workspaceId: string;
  projects: () => ProjectKey[];
}

const KEY = /(?:^|\s)([A-Z][A-Z0-9]{1,9}-\d{1,7})\s$/;

/** Finds a task by its key through its project's task list (the list the board already caches). */
async function findByKey(projects: ProjectKey[], taskKey: string) {
  const project = projects.find((p) => p.key === taskKey.split('-')[0]);
  if (!project) return null;
  const tasks = await api.tasks.list(project.id);
  return tasks.find((t) => t.key === taskKey) ?? null;
}

function TaskChip({ node, extension, updateAttributes, editor }: ReactNodeViewProps) {
  const { workspaceId, projects } = extension.options as TaskRefOptions;
  const taskKey = String(node.attrs.taskKey ?? '');
  const taskId = (node.attrs.taskId as string | null) ?? null;
  const found = useQuery({
    queryKey: ['task-by-key', workspaceId, taskKey],
    queryFn: () => findByKey(projects(), taskKey),
    enabled: !taskId,
  });
  useEffect(() => {
    if (!taskId && found.data && editor.isEditable) updateAttributes({ taskId: found.data.id });
  }, [taskId, found.data, editor, updateAttributes]);
  const id = taskId ?? found.data?.id ?? null;
  useRoom(id ? `task:${id}` : null);
  const task = useQuery({ queryKey: keys.task(id ?? 'none'), queryFn: () => api.tasks.get(id!), enabled: !!id });
  const { data: statuses = [] } = useStatuses(task.data?.projectId ?? '');
  const status = statuses.find((s) => s.id === task.data?.status);
  const missing = (!id && found.isFetched) || task.isError;
  return (
    <NodeViewWrapper
      as="span"
      className={missing ? 'task-ref missing' : 'task-ref'}
      data-task-key={taskKey}
      data-status={status?.category ?? ''}
    >
      {task.data ? (
        <Link to={paths.taskById(workspaceId, task.data.id)} title={task.data.title}>
          <span className="task-ref-key">{taskKey}</span>
          <span className="task-ref-title">{task.data.title}</span>
          <span className="task-ref-status" data-category={status?.category ?? ''}>
            {status?.name ?? '…'}
          </span>
        </Link>
      ) : (
        <span className="task-ref-key" title={missing ? 'No task with this key that you can see' : undefined}>
          {taskKey}
        </span>
      )}
    </NodeViewWrapper>
  );
}

export const LiveTaskRef = TaskRef.extend<TaskRefOptions>({
  addOptions: () => ({ workspaceId: '', projects: () => [] }),
  addNodeView() {
    return ReactNodeViewRenderer(TaskChip, { as: 'span' });
  },
  addInputRules() {
    return [
      new InputRule({
        find: KEY,
        handler: ({ state, range, match }) => {
          const taskKey = match[1]!;
          if (!this.options.projects().some((p) => p.key === taskKey.split('-')[0])) return null;
          const start = range.to - taskKey.length;
          state.tr.replaceWith(start, range.to, [this.type.create({ taskKey }), state.schema.text(' ')]);
        },
      }),
    ];
  },
});
