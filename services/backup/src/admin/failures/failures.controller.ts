import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequiresAccess } from '../auth/access.guard';
import { AdminApi, API_PREFIX } from '../http/admin-api';
import { ApiProblems } from '../http/api-problems.decorator';
import { CurrentActor } from '../http/current-actor.decorator';
import { FailureParamsDto, WorkspaceParamsDto } from '../http/dto/route-params.dto';
import { type Actor } from '../http/request-context';
import {
  BulkReplayResultDto,
  FailurePageDto,
  FailuresQueryDto,
  ReplayQueryDto,
  REPLAY_RECORD_TOO_LARGE_EXAMPLE,
  ReplayRecordTooLargeProblemDto,
  ReplayResultDto,
} from './dto/failure.dto';
import { ProblemPageDto, ProblemsQueryDto } from './dto/problem.dto';
import { FailureReplayService } from './failure-replay.service';
import { FailuresService } from './failures.service';

@ApiTags('failures')
@AdminApi()
@ApiProblems(404)
@Controller(`${API_PREFIX}/workspaces/:workspaceId/vault-backup`)
export class FailuresController {
  constructor(
    private readonly failures: FailuresService,
    private readonly replay: FailureReplayService,
  ) {}

  @Get('failures')
  @RequiresAccess('manage')
  @ApiOperation({ summary: 'Records that could not be backed up (newest first, paged, filtered by status).' })
  @ApiOkResponse({ type: FailurePageDto })
  list(@Param() params: WorkspaceParamsDto, @Query() query: FailuresQueryDto): Promise<FailurePageDto> {
    return this.failures.page(params.workspaceId, query);
  }

  @Get('problems')
  @RequiresAccess('manage')
  @ApiOperation({
    summary: 'Every account whose newest version is not in the safe: failed and parked, with what to do.',
    description:
      'One item per account (and per open failure that names no account): its open failure (`failed`, replay it once fixed) or its parked backup (`parked`, retried automatically), whichever holds the newest version; failures superseded by a newer version are left out. `action` says what to do. Filters are ANDed; `counts` covers every match, not only the page. Paging is by opaque cursor in a stable order (first failed latest first).',
  })
  @ApiOkResponse({ type: ProblemPageDto })
  @ApiProblems({
    status: 400,
    description:
      'An unknown filter, a bad value, `to` before `from`, or a cursor not returned by this API (`validation-failed`; `problems` names the field).',
  })
  problems(@Param() params: WorkspaceParamsDto, @Query() query: ProblemsQueryDto): Promise<ProblemPageDto> {
    return this.failures.problems({ workspaceId: params.workspaceId }, query);
  }

  @Post('failures/replay')
  @HttpCode(200)
  @RequiresAccess('manage')
  @ApiOperation({
    summary: 'Replay every open failure (oldest first, bounded per request).',
    description:
      "Failures whose record is larger than its topic's `max.message.bytes` are not replayed: they are listed in `notReplayed` with the sizes and stay open; the others are replayed.",
  })
  @ApiOkResponse({ type: BulkReplayResultDto })
  @ApiProblems({
    status: 409,
    description: 'The backup is not enabled (`backup-not-enabled`).',
    code: 'BACKUP_NOT_ENABLED',
  })
  replayAll(@Param() params: WorkspaceParamsDto, @CurrentActor() actor: Actor): Promise<BulkReplayResultDto> {
    return this.replay.replayAllOpen(params.workspaceId, actor);
  }

  @Post('failures/:failureId/replay')
  @HttpCode(200)
  @RequiresAccess('manage')
  @ApiOperation({
    summary:
      'Re-produce the original record to its topic. Idempotent: an already replayed failure is returned as is unless force=true.',
  })
  @ApiOkResponse({ type: ReplayResultDto })
  @ApiProblems(
    {
      status: 404,
      description:
        'No such failure in this workspace (`failure-not-found`), or not your workspace (`vault-backup-not-found`).',
      code: 'FAILURE_NOT_FOUND',
    },
    {
      status: 409,
      description:
        'The backup is not enabled (`backup-not-enabled`), or the record cannot be opened (`record-unreadable`).',
      code: 'RECORD_UNREADABLE',
    },
    {
      status: 422,
      description:
        "`replay-record-too-large`: the record is larger than its topic's `max.message.bytes` (sizes in the body); the failure stays open.",
      schema: ReplayRecordTooLargeProblemDto,
      example: REPLAY_RECORD_TOO_LARGE_EXAMPLE,
    },
  )
  replayOne(
    @Param() params: FailureParamsDto,
    @Query() query: ReplayQueryDto,
    @CurrentActor() actor: Actor,
  ): Promise<ReplayResultDto> {
    return this.replay.replayOne(params.workspaceId, params.failureId, query.force === 'true', actor);
  }
}
