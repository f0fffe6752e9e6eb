import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Response } from 'express';
import { RequiresAccess } from '../auth/access.guard';
import { AdminApi, API_PREFIX } from '../http/admin-api';
import { ApiProblems } from '../http/api-problems.decorator';
import { CurrentActor } from '../http/current-actor.decorator';
import { type Actor } from '../http/request-context';
import {
  CreateDeadLetterReplayJobDto,
  CreateReplayJobDto,
  JobParamsDto,
  ReplayItemPageDto,
  ReplayItemsQueryDto,
  ReplayJobDto,
  ReplayJobPageDto,
  ReplayJobsQueryDto,
  ReplayPlanDto,
} from './dto/replay-job.dto';
import {
  CREATE_PROBLEMS,
  DEAD_LETTER_PROBLEMS,
  JOB_NOT_FOUND,
  NOT_CANCELLED,
  NOT_RUNNING,
  answerCreated,
} from './replay-jobs.http';
import { ReplayJobsService } from './replay-jobs.service';

const COLLECTION = `${API_PREFIX}/vault-backups/replay-jobs`;

/** SREs: every replay job of every workspace (read: `operator`; start, cancel, resume: `operator_replay`). */
@ApiTags('operator')
@AdminApi()
@Controller(`${API_PREFIX}/vault-backups`)
export class OperatorReplayJobsController {
  constructor(private readonly jobs: ReplayJobsService) {}

  @Get('replay-jobs')
  @RequiresAccess('operator')
  @ApiOperation({
    summary: 'Operators: every replay job (all workspaces and dead letters), newest first (paged).',
  })
  @ApiOkResponse({ type: ReplayJobPageDto })
  list(@Query() query: ReplayJobsQueryDto): Promise<ReplayJobPageDto> {
    return this.jobs.list('any', query);
  }

  @Post('replay-jobs')
  @HttpCode(200)
  @RequiresAccess('operator-replay')
  @ApiOperation({
    summary: '`operator_replay`: replay failures that belong to no workspace, as a job (or plan it).',
    description:
      "Same request and answers as a workspace's replay jobs, over the open failures attributed to no workspace (listed by GET /vault-backups/problems/unattributed). Audited with the caller's role.",
  })
  @ApiOkResponse({ type: ReplayPlanDto, description: 'The plan of a dry run: nothing was produced.' })
  @ApiAcceptedResponse({ type: ReplayJobDto })
  @ApiProblems(...CREATE_PROBLEMS)
  async createUnattributed(
    @Body() body: CreateReplayJobDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ReplayPlanDto | ReplayJobDto> {
    return answerCreated(
      await this.jobs.createFromFailures('unattributed', body, actor),
      response,
      COLLECTION,
    );
  }

  @Post('dead-letter-replay-jobs')
  @HttpCode(200)
  @RequiresAccess('operator-replay')
  @ApiOperation({
    summary:
      '`operator_replay`: replay an offset range of the dead-letter topic, for records that exist only there.',
    description:
      "Reads the range (one partition, both offsets inclusive, at most REPLAY_JOB_MAX_ITEMS), optionally only one workspace's dead letters or only those naming none, and produces each original again to its topic with its key, headers and value (decrypted when the dead letter holds it as JWE) plus `vb-replay-of: dlq:<topic>/<partition>/<offset>`. Per account only the newest version; a dead letter whose original was left out for size is skipped (`original-omitted`: replay its failure instead). `dryRun: true` answers 200 with the plan; otherwise 202 with the job. One dead-letter job at a time.",
  })
  @ApiOkResponse({ type: ReplayPlanDto, description: 'The plan of a dry run: nothing was produced.' })
  @ApiAcceptedResponse({ type: ReplayJobDto })
  @ApiProblems(...DEAD_LETTER_PROBLEMS)
  async createFromDeadLetters(
    @Body() body: CreateDeadLetterReplayJobDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ReplayPlanDto | ReplayJobDto> {
    return answerCreated(await this.jobs.createFromDeadLetters(body, actor), response, COLLECTION);
  }

  @Get('replay-jobs/:jobId')
  @RequiresAccess('operator')
  @ApiOperation({ summary: 'Operators: any replay job with its progress.' })
  @ApiOkResponse({ type: ReplayJobDto })
  @ApiProblems(JOB_NOT_FOUND)
  get(@Param() params: JobParamsDto): Promise<ReplayJobDto> {
    return this.jobs.get(params.jobId, 'any');
  }

  @Get('replay-jobs/:jobId/items')
  @RequiresAccess('operator')
  @ApiOperation({ summary: "Operators: any replay job's report (paged)." })
  @ApiOkResponse({ type: ReplayItemPageDto })
  @ApiProblems(JOB_NOT_FOUND)
  items(@Param() params: JobParamsDto, @Query() query: ReplayItemsQueryDto): Promise<ReplayItemPageDto> {
    return this.jobs.items(params.jobId, 'any', query);
  }

  @Post('replay-jobs/:jobId/cancel')
  @HttpCode(200)
  @RequiresAccess('operator-replay')
  @ApiOperation({ summary: '`operator_replay`: cancel any running replay job (what is done stays done).' })
  @ApiOkResponse({ type: ReplayJobDto })
  @ApiProblems(JOB_NOT_FOUND, NOT_RUNNING)
  cancel(@Param() params: JobParamsDto, @CurrentActor() actor: Actor): Promise<ReplayJobDto> {
    return this.jobs.cancel(params.jobId, 'any', actor);
  }

  @Post('replay-jobs/:jobId/resume')
  @HttpCode(200)
  @RequiresAccess('operator-replay')
  @ApiOperation({ summary: '`operator_replay`: resume any cancelled replay job.' })
  @ApiOkResponse({ type: ReplayJobDto })
  @ApiProblems(JOB_NOT_FOUND, NOT_CANCELLED)
  resume(@Param() params: JobParamsDto, @CurrentActor() actor: Actor): Promise<ReplayJobDto> {
    return this.jobs.resume(params.jobId, 'any', actor);
  }
}
