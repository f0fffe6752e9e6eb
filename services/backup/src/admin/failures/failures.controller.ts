import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { RequiresAccess } from '../auth/access.guard';
import { AdminApi, API_PREFIX } from '../http/admin-api';
import { CurrentActor } from '../http/current-actor.decorator';
import { ErrorResponseDto } from '../http/dto/error-response.dto';
import { FailureParamsDto, WorkspaceParamsDto } from '../http/dto/route-params.dto';
import { type Actor } from '../http/request-context';
import {
  BulkReplayResultDto,
  FailurePageDto,
  FailuresQueryDto,
  ReplayQueryDto,
  ReplayRecordTooLargeProblemDto,
  ReplayResultDto,
} from './dto/failure.dto';
import { FailureReplayService } from './failure-replay.service';
import { FailuresService } from './failures.service';

@ApiTags('failures')
@ApiExtraModels(ReplayRecordTooLargeProblemDto)
@AdminApi()
@Controller(`${API_PREFIX}/workspaces/:workspaceId/vault-backup/failures`)
export class FailuresController {
  constructor(
    private readonly failures: FailuresService,
    private readonly replay: FailureReplayService,
  ) {}

  @Get()
  @RequiresAccess('manage')
  @ApiOperation({ summary: 'Records that could not be backed up (newest first, paged, filtered by status).' })
  @ApiOkResponse({ type: FailurePageDto })
  list(@Param() params: WorkspaceParamsDto, @Query() query: FailuresQueryDto): Promise<FailurePageDto> {
    return this.failures.page(params.workspaceId, query);
  }

  @Post('replay')
  @HttpCode(200)
  @RequiresAccess('manage')
  @ApiOperation({
    summary: 'Replay every open failure (oldest first, bounded per request).',
    description:
      "Failures whose record is larger than its topic's `max.message.bytes` are not replayed: they are listed in `notReplayed` with the sizes and stay open; the others are replayed.",
  })
  @ApiOkResponse({ type: BulkReplayResultDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The backup is not enabled.' })
  replayAll(@Param() params: WorkspaceParamsDto, @CurrentActor() actor: Actor): Promise<BulkReplayResultDto> {
    return this.replay.replayAllOpen(params.workspaceId, actor);
  }

  @Post(':failureId/replay')
  @HttpCode(200)
  @RequiresAccess('manage')
  @ApiOperation({
    summary:
      'Re-produce the original record to its topic. Idempotent: an already replayed failure is returned as is unless force=true.',
  })
  @ApiOkResponse({ type: ReplayResultDto })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'The backup is not enabled, or the record cannot be opened.',
  })
  @ApiUnprocessableEntityResponse({
    description:
      "RFC 9457 problem `urn:vault-backup:problem:replay-record-too-large`: the record is larger than its topic's `max.message.bytes` (sizes in the body); the failure stays open.",
    content: {
      'application/problem+json': { schema: { $ref: getSchemaPath(ReplayRecordTooLargeProblemDto) } },
    },
  })
  replayOne(
    @Param() params: FailureParamsDto,
    @Query() query: ReplayQueryDto,
    @CurrentActor() actor: Actor,
  ): Promise<ReplayResultDto> {
    return this.replay.replayOne(params.workspaceId, params.failureId, query.force === 'true', actor);
  }
}
