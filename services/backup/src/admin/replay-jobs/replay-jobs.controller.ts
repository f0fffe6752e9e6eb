import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Response } from 'express';
import { RequiresAccess } from '../auth/access.guard';
import { AdminApi, API_PREFIX } from '../http/admin-api';
import { ApiProblems } from '../http/api-problems.decorator';
import { CurrentActor } from '../http/current-actor.decorator';
import { WorkspaceParamsDto } from '../http/dto/route-params.dto';
import { type Actor } from '../http/request-context';
import {
  CreateReplayJobDto,
  ReplayItemPageDto,
  ReplayItemsQueryDto,
  ReplayJobDto,
  ReplayJobPageDto,
  ReplayJobParamsDto,
  ReplayJobsQueryDto,
  ReplayPlanDto,
} from './dto/replay-job.dto';
import {
  CREATE_PROBLEMS,
  JOB_NOT_FOUND,
  NOT_CANCELLED,
  NOT_RUNNING,
  answerCreated,
} from './replay-jobs.http';
import { ReplayJobsService } from './replay-jobs.service';

@ApiTags('replay jobs')
@AdminApi()
@ApiProblems(404)
@Controller(`${API_PREFIX}/workspaces/:workspaceId/vault-backup/replay-jobs`)
export class ReplayJobsController {
  constructor(private readonly jobs: ReplayJobsService) {}

  @Post()
  @HttpCode(200)
  @RequiresAccess('replay')
  @ApiOperation({
    summary: 'Replay failures as a tracked job, or plan it first (`dryRun: true`).',
    description:
      "Selects failures by id or by filter, one item per account: the failure holding the account's newest version (a selected failure superseded by a newer one of its account is replaced by it; an account whose newest version is already in the safe or parked is skipped). `dryRun: true` answers 200 with the plan and writes nothing; otherwise 202 with the job (Location: the job), which runs in the background at `ratePerSecond`. One running job per workspace. Managers of the workspace, or `operator_replay`.",
  })
  @ApiOkResponse({ type: ReplayPlanDto, description: 'The plan of a dry run: nothing was produced.' })
  @ApiAcceptedResponse({ type: ReplayJobDto, description: 'The job was created and runs in the background.' })
  @ApiProblems(...CREATE_PROBLEMS)
  async create(
    @Param() params: WorkspaceParamsDto,
    @Body() body: CreateReplayJobDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ReplayPlanDto | ReplayJobDto> {
    const result = await this.jobs.createFromFailures({ workspaceId: params.workspaceId }, body, actor);
    return answerCreated(
      result,
      response,
      `${API_PREFIX}/workspaces/${params.workspaceId}/vault-backup/replay-jobs`,
    );
  }

  @Get()
  @RequiresAccess('read-status')
  @ApiOperation({ summary: "The workspace's replay jobs, newest first (paged)." })
  @ApiOkResponse({ type: ReplayJobPageDto })
  list(@Param() params: WorkspaceParamsDto, @Query() query: ReplayJobsQueryDto): Promise<ReplayJobPageDto> {
    return this.jobs.list({ workspaceId: params.workspaceId }, query);
  }

  @Get(':jobId')
  @RequiresAccess('read-status')
  @ApiOperation({
    summary: 'A replay job with its progress (done / to do / failed) and what became of its records.',
  })
  @ApiOkResponse({ type: ReplayJobDto })
  @ApiProblems(JOB_NOT_FOUND)
  get(@Param() params: ReplayJobParamsDto): Promise<ReplayJobDto> {
    return this.jobs.get(params.jobId, { workspaceId: params.workspaceId });
  }

  @Get(':jobId/items')
  @RequiresAccess('read-status')
  @ApiOperation({
    summary: 'The report: one item per account, in job order (paged, filtered by state or outcome).',
  })
  @ApiOkResponse({ type: ReplayItemPageDto })
  @ApiProblems(JOB_NOT_FOUND)
  items(
    @Param() params: ReplayJobParamsDto,
    @Query() query: ReplayItemsQueryDto,
  ): Promise<ReplayItemPageDto> {
    return this.jobs.items(params.jobId, { workspaceId: params.workspaceId }, query);
  }

  @Post(':jobId/cancel')
  @HttpCode(200)
  @RequiresAccess('replay')
  @ApiOperation({
    summary:
      'Cancel a running job: the batch in progress completes, nothing more is produced; what is done stays done.',
  })
  @ApiOkResponse({ type: ReplayJobDto })
  @ApiProblems(JOB_NOT_FOUND, NOT_RUNNING)
  cancel(@Param() params: ReplayJobParamsDto, @CurrentActor() actor: Actor): Promise<ReplayJobDto> {
    return this.jobs.cancel(params.jobId, { workspaceId: params.workspaceId }, actor);
  }

  @Post(':jobId/resume')
  @HttpCode(200)
  @RequiresAccess('replay')
  @ApiOperation({
    summary: 'Resume a cancelled job where it stopped (items are re-checked for newer versions).',
  })
  @ApiOkResponse({ type: ReplayJobDto })
  @ApiProblems(JOB_NOT_FOUND, NOT_CANCELLED)
  resume(@Param() params: ReplayJobParamsDto, @CurrentActor() actor: Actor): Promise<ReplayJobDto> {
    return this.jobs.resume(params.jobId, { workspaceId: params.workspaceId }, actor);
  }
}
