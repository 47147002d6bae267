import { Controller, Delete, Get, Header, HttpCode, Patch, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CreateTaskBody, MoveTaskBody, TaskListQuery, UpdateTaskBody } from '@tandem/protocol';
import type { z } from 'zod';
import { ApiJsonBody, ApiQueryFrom, IdParam, ValidBody, ValidQuery } from '../../base/http/validation.js';
import { type Actor, CurrentUser } from '../auth/current-user.js';
import { TaskCreator } from './task-creator.js';
import { TaskMover } from './task-mover.js';
import { TaskUpdater } from './task-updater.js';
import { TasksService } from './tasks.service.js';

@ApiTags('tasks')
@ApiBearerAuth()
@Controller('api/v1')
export class TasksController {
  constructor(
    private readonly tasks: TasksService,
    private readonly creator: TaskCreator,
    private readonly updater: TaskUpdater,
    private readonly mover: TaskMover,
  ) {}

  @Post('projects/:id/tasks')
  @ApiJsonBody(CreateTaskBody)
  create(
    @CurrentUser() actor: Actor,
    @IdParam('id', 'Project') id: string,
    @ValidBody(CreateTaskBody) body: z.infer<typeof CreateTaskBody>,
  ) {
    return this.creator.create(actor, id, body);
  }

  @Get('projects/:id/tasks')
  @Header('content-type', 'application/json; charset=utf-8')
  @ApiQueryFrom(TaskListQuery)
  list(@CurrentUser() actor: Actor, @IdParam('id', 'Project') id: string, @ValidQuery(TaskListQuery) query: z.infer<typeof TaskListQuery>) {
    return this.tasks.list(actor, id, query);
  }

  @Get('tasks/:id')
  get(@CurrentUser() actor: Actor, @IdParam('id', 'Task') id: string) {
    return this.tasks.get(actor, id);
  }

  @Patch('tasks/:id')
  @ApiJsonBody(UpdateTaskBody)
  update(@CurrentUser() actor: Actor, @IdParam('id', 'Task') id: string, @ValidBody(UpdateTaskBody) body: z.infer<typeof UpdateTaskBody>) {
    return this.updater.update(actor, id, body);
  }

  @Post('tasks/:id/move')
  @HttpCode(200)
  @ApiJsonBody(MoveTaskBody)
  move(@CurrentUser() actor: Actor, @IdParam('id', 'Task') id: string, @ValidBody(MoveTaskBody) body: z.infer<typeof MoveTaskBody>) {
    return this.mover.move(actor, id, body);
  }

  @Delete('tasks/:id')
  @HttpCode(204)
  async remove(@CurrentUser() actor: Actor, @IdParam('id', 'Task') id: string) {
    await this.tasks.remove(actor, id);
  }

  @Put('tasks/:id/watch')
  watch(@CurrentUser() actor: Actor, @IdParam('id', 'Task') id: string) {
    return this.tasks.watch(actor, id, true);
  }

  @Delete('tasks/:id/watch')
  unwatch(@CurrentUser() actor: Actor, @IdParam('id', 'Task') id: string) {
    return this.tasks.watch(actor, id, false);
  }
}
