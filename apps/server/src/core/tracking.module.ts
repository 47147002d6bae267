// The work-tracking half: projects, statuses, tasks and the board, sprints, comments, checklists,
// labels, activity and the notification inbox.
import { Module } from '@nestjs/common';
import { ActivityController } from './activity/activity.controller.js';
import { ChecklistsController } from './checklists/checklists.controller.js';
import { ChecklistsService } from './checklists/checklists.service.js';
import { CommentsController } from './comments/comments.controller.js';
import { CommentsService } from './comments/comments.service.js';
import { LabelsController } from './labels/labels.controller.js';
import { LabelsService } from './labels/labels.service.js';
import { InboxController } from './notifications/inbox.controller.js';
import { ProjectMembersService } from './projects/project-members.service.js';
import { ProjectsController } from './projects/projects.controller.js';
import { ProjectsService } from './projects/projects.service.js';
import { SprintsController } from './sprints/sprints.controller.js';
import { SprintsService } from './sprints/sprints.service.js';
import { StatusesController } from './statuses/statuses.controller.js';
import { StatusesService } from './statuses/statuses.service.js';
import { TaskCreator } from './tasks/task-creator.js';
import { TaskMover } from './tasks/task-mover.js';
import { TaskNotifications } from './tasks/task-notifications.js';
import { TaskQueries } from './tasks/task-queries.js';
import { TaskRules } from './tasks/task-rules.js';
import { TaskUpdater } from './tasks/task-updater.js';
import { TasksController } from './tasks/tasks.controller.js';
import { TasksService } from './tasks/tasks.service.js';

@Module({
  controllers: [
    ProjectsController,
    StatusesController,
    TasksController,
    SprintsController,
    CommentsController,
    ChecklistsController,
    LabelsController,
    ActivityController,
    InboxController,
  ],
  providers: [
    ProjectsService,
    ProjectMembersService,
    StatusesService,
    TaskQueries,
    TaskRules,
    TaskNotifications,
    TaskCreator,
    TaskUpdater,
    TaskMover,
    TasksService,
    SprintsService,
    CommentsService,
    ChecklistsService,
    LabelsService,
  ],
  exports: [TaskQueries],
})
export class TrackingModule {}
