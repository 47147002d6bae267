// Request schemas of the work-tracking API: projects, statuses, tasks, sprints, comments,
// checklists, labels, activity and the notification inbox.
import { z } from 'zod';
import { PageQuery, RoleSchema } from './schemas.js';

const Id = z.uuid();
const Name = z.string().trim().min(1).max(200);
const Markdown = z.string().max(100_000);
const IsoDate = z.iso.date();

export const ProjectKey = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase())
  .pipe(z.string().regex(/^[A-Z][A-Z0-9]{1,9}$/, '2-10 letters or digits, starting with a letter'));

export const CreateProjectBody = z
  .object({ name: Name, key: ProjectKey, description: Markdown.optional(), leadId: Id.nullable().optional() })
  .strict();
export const UpdateProjectBody = z
  .object({
    name: Name.optional(),
    key: ProjectKey.optional(),
    description: Markdown.optional(),
    leadId: Id.nullable().optional(),
    archived: z.boolean().optional(),
  })
  .strict();
export const ProjectListQuery = z.object({ archived: z.enum(['true', 'false']).optional() });
export const ProjectMemberBody = z.object({ role: RoleSchema }).strict();

export const StatusCategories = ['todo', 'in_progress', 'done'] as const;
export const StatusCategorySchema = z.enum(StatusCategories);
export const CreateStatusBody = z.object({ name: z.string().trim().min(1).max(60), category: StatusCategorySchema }).strict();
export const UpdateStatusBody = z
  .object({
    name: z.string().trim().min(1).max(60).optional(),
    category: StatusCategorySchema.optional(),
    /** New 0-based position among the project's statuses (others shift). */
    position: z.number().int().min(0).max(1000).optional(),
  })
  .strict();
/** Where the tasks of a deleted status go; required when it still holds tasks. */
export const DeleteStatusQuery = z.object({ target: Id.optional() });

export const TaskTypes = ['task', 'bug', 'story', 'epic', 'subtask'] as const;
export const TaskPriorities = ['none', 'low', 'medium', 'high', 'urgent'] as const;

const TaskFields = {
  title: z.string().trim().min(1).max(500),
  description: Markdown,
  /** A status id of the task's project. */
  status: Id,
  type: z.enum(TaskTypes),
  priority: z.enum(TaskPriorities),
  assigneeId: Id.nullable(),
  parentId: Id.nullable(),
  sprintId: Id.nullable(),
  labelIds: z.array(Id).max(50),
  dueDate: IsoDate.nullable(),
  estimate: z.number().min(0).max(1_000_000).nullable(),
};

export const CreateTaskBody = z
  .object({
    title: TaskFields.title,
    description: TaskFields.description.optional(),
    status: TaskFields.status.optional(),
    type: TaskFields.type.optional(),
    priority: TaskFields.priority.optional(),
    assigneeId: TaskFields.assigneeId.optional(),
    parentId: TaskFields.parentId.optional(),
    sprintId: TaskFields.sprintId.optional(),
    labelIds: TaskFields.labelIds.optional(),
    dueDate: TaskFields.dueDate.optional(),
    estimate: TaskFields.estimate.optional(),
  })
  .strict();

export const UpdateTaskBody = CreateTaskBody.partial()
  .extend({
    archived: z.boolean().optional(),
    /** The version the client last saw; a stale one answers 409. */
    version: z.number().int().min(1).optional(),
  })
  .strict();

export const MoveTaskBody = z
  .object({
    status: Id,
    /** Place right after this task of the target column (null/absent: see beforeId). */
    afterId: Id.nullable().optional(),
    /** Place right before this task; with neither, the task goes to the end of the column. */
    beforeId: Id.nullable().optional(),
    version: z.number().int().min(1).optional(),
  })
  .strict();

export const TaskListQuery = PageQuery.extend({
  status: Id.optional(),
  /** A user id, or `none` for unassigned tasks. */
  assigneeId: z.union([Id, z.literal('none')]).optional(),
  /** A label id or name. */
  label: z.string().trim().min(1).max(100).optional(),
  /** A sprint id, or `backlog` for tasks in no sprint. */
  sprint: z.union([Id, z.literal('backlog')]).optional(),
  parentId: Id.optional(),
  /** Text search over title and description. */
  q: z.string().trim().min(1).max(200).optional(),
  archived: z.enum(['true', 'false']).optional(),
  /** `rank` (board order) or `newest` (highest number first, the default). */
  order: z.enum(['rank', 'newest']).optional(),
});

export const CreateSprintBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    goal: z.string().max(2000).optional(),
    startDate: IsoDate.nullable().optional(),
    endDate: IsoDate.nullable().optional(),
  })
  .strict();
export const UpdateSprintBody = CreateSprintBody.partial().strict();
export const CompleteSprintBody = z
  .object({
    /** Where unfinished tasks go: a planned sprint id or `backlog`; default the next planned sprint, else the backlog. */
    moveTo: z.union([Id, z.literal('backlog')]).optional(),
  })
  .strict();

export const CommentBody = z.object({ body: z.string().trim().min(1).max(50_000) }).strict();

export const CreateChecklistItemBody = z.object({ text: z.string().trim().min(1).max(1000) }).strict();
export const UpdateChecklistItemBody = z
  .object({ text: z.string().trim().min(1).max(1000).optional(), done: z.boolean().optional() })
  .strict();
export const MoveChecklistItemBody = z.object({ afterId: Id.nullable().optional(), beforeId: Id.nullable().optional() }).strict();

const Color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a #rrggbb color');
export const CreateLabelBody = z.object({ name: z.string().trim().min(1).max(50), color: Color.optional() }).strict();
export const UpdateLabelBody = z.object({ name: z.string().trim().min(1).max(50).optional(), color: Color.optional() }).strict();

export const ActivityQuery = PageQuery;
export const NotificationListQuery = PageQuery.extend({ unread: z.enum(['true', 'false']).optional() });

export type CreateProjectBody = z.infer<typeof CreateProjectBody>;
export type UpdateProjectBody = z.infer<typeof UpdateProjectBody>;
export type CreateStatusBody = z.infer<typeof CreateStatusBody>;
export type UpdateStatusBody = z.infer<typeof UpdateStatusBody>;
export type CreateTaskBody = z.infer<typeof CreateTaskBody>;
export type UpdateTaskBody = z.infer<typeof UpdateTaskBody>;
export type MoveTaskBody = z.infer<typeof MoveTaskBody>;
export type TaskListQuery = z.infer<typeof TaskListQuery>;
export type CreateSprintBody = z.infer<typeof CreateSprintBody>;
export type UpdateSprintBody = z.infer<typeof UpdateSprintBody>;
