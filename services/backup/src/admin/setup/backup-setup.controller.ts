import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Res } from '@nestjs/common';
import {
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { type Response } from 'express';
import { RequiresAccess } from '../auth/access.guard';
import { AdminApi, API_PREFIX } from '../http/admin-api';
import { ApiProblems } from '../http/api-problems.decorator';
import { CurrentActor } from '../http/current-actor.decorator';
import { WorkspaceParamsDto } from '../http/dto/route-params.dto';
import { type Actor } from '../http/request-context';
import { BackupStatusService } from './backup-status.service';
import { ConnectionService } from './connection.service';
import { ConnectionDto } from './dto/connection.dto';
import { OptionsDto } from './dto/options.dto';
import { ConnectionResultDto, ValidationResultDto } from './dto/setup-result.dto';
import { TargetsDto } from './dto/targets.dto';
import { VaultBackupDto } from './dto/vault-backup.dto';
import { LifecycleService } from './lifecycle.service';
import { TargetsService } from './targets.service';

const UNPROCESSABLE = 422;

/** A failed check is a 422 carrying the full result, never an error page. */
function statusOf(result: { status: string }): number {
  return result.status === 'failed' ? UNPROCESSABLE : 200;
}

@ApiTags('vault-backup')
@AdminApi()
@ApiProblems(404)
@Controller(`${API_PREFIX}/workspaces/:workspaceId/vault-backup`)
export class BackupSetupController {
  constructor(
    private readonly status: BackupStatusService,
    private readonly connection: ConnectionService,
    private readonly targets: TargetsService,
    private readonly lifecycle: LifecycleService,
  ) {}

  @Get()
  @RequiresAccess('read-status')
  @ApiOperation({ summary: 'Status, non-secret settings, last check, open failures and skipped events.' })
  @ApiOkResponse({ type: VaultBackupDto })
  get(@Param() params: WorkspaceParamsDto): Promise<VaultBackupDto> {
    return this.status.get(params.workspaceId);
  }

  @Put('connection')
  @RequiresAccess('manage')
  @ApiOperation({ summary: 'Step 1: store the connection and obtain a token (also: change credentials).' })
  @ApiOkResponse({ type: ConnectionResultDto, description: 'Connected.' })
  @ApiUnprocessableEntityResponse({
    type: ConnectionResultDto,
    description: 'Stored, but the connect failed: see `failure`.',
  })
  @ApiProblems({
    status: 409,
    description: 'Changed concurrently (`concurrent-change`).',
    code: 'CONCURRENT_CHANGE',
  })
  @ApiProblems(429)
  async putConnection(
    @Param() params: WorkspaceParamsDto,
    @Body() body: ConnectionDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ConnectionResultDto> {
    const result = await this.connection.replace(params.workspaceId, body, actor);
    response.status(statusOf(result));
    return result;
  }

  @Put('targets')
  @RequiresAccess('manage')
  @ApiOperation({ summary: 'Step 2: store the safe and platform and validate them.' })
  @ApiOkResponse({ type: ValidationResultDto, description: 'Every check passed.' })
  @ApiUnprocessableEntityResponse({
    type: ValidationResultDto,
    description: 'Stored; the report names each missing permission and property.',
  })
  @ApiProblems({
    status: 409,
    description:
      'Not connected yet (`connection-required`), the stored connection cannot be read (`connection-unreadable`), or changed concurrently (`concurrent-change`).',
    code: 'CONNECTION_REQUIRED',
  })
  @ApiProblems(429)
  async putTargets(
    @Param() params: WorkspaceParamsDto,
    @Body() body: TargetsDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ValidationResultDto> {
    const result = await this.targets.replace(params.workspaceId, body, actor);
    response.status(statusOf(result));
    return result;
  }

  @Post('validate')
  @RequiresAccess('manage')
  @ApiOperation({ summary: 'Re-validate the stored connection and targets now.' })
  @ApiOkResponse({ type: ValidationResultDto })
  @ApiUnprocessableEntityResponse({ type: ValidationResultDto })
  @ApiProblems({
    status: 409,
    description:
      'No targets set yet (`targets-required`), not connected (`connection-required`), or the stored connection cannot be read (`connection-unreadable`).',
    code: 'TARGETS_REQUIRED',
  })
  @ApiProblems(429)
  async validate(
    @Param() params: WorkspaceParamsDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ValidationResultDto> {
    const result = await this.targets.revalidate(params.workspaceId, actor);
    response.status(statusOf(result));
    return result;
  }

  @Post('enable')
  @HttpCode(200)
  @RequiresAccess('manage')
  @ApiOperation({ summary: 'Step 3: from now on every created or updated account is backed up. Idempotent.' })
  @ApiOkResponse({ type: VaultBackupDto })
  @ApiProblems({
    status: 409,
    description: 'Not validated yet (`validation-required`, `connection-required`), or changed concurrently.',
    code: 'VALIDATION_REQUIRED',
  })
  enable(@Param() params: WorkspaceParamsDto, @CurrentActor() actor: Actor): Promise<VaultBackupDto> {
    return this.lifecycle.enable(params.workspaceId, actor);
  }

  @Post('disable')
  @HttpCode(200)
  @RequiresAccess('manage')
  @ApiOperation({ summary: 'Stop backing up (events are counted as skipped). Idempotent.' })
  @ApiOkResponse({ type: VaultBackupDto })
  @ApiProblems({
    status: 409,
    description: 'Not enabled (`not-enabled`), or changed concurrently.',
    code: 'NOT_ENABLED',
  })
  disable(@Param() params: WorkspaceParamsDto, @CurrentActor() actor: Actor): Promise<VaultBackupDto> {
    return this.lifecycle.disable(params.workspaceId, actor);
  }

  @Patch('options')
  @RequiresAccess('manage')
  @ApiOperation({ summary: 'Change options: plaintext secrets in events, metadata-only, retry budget.' })
  @ApiOkResponse({ type: VaultBackupDto })
  @ApiProblems({
    status: 409,
    description: 'Changed concurrently (`concurrent-change`).',
    code: 'CONCURRENT_CHANGE',
  })
  updateOptions(
    @Param() params: WorkspaceParamsDto,
    @Body() body: OptionsDto,
    @CurrentActor() actor: Actor,
  ): Promise<VaultBackupDto> {
    return this.lifecycle.updateOptions(params.workspaceId, body, actor);
  }

  @Delete()
  @HttpCode(204)
  @RequiresAccess('manage')
  @ApiOperation({
    summary: 'Delete the backup configuration (the audit log and recorded failures stay). Idempotent.',
  })
  @ApiNoContentResponse()
  delete(@Param() params: WorkspaceParamsDto, @CurrentActor() actor: Actor): Promise<void> {
    return this.lifecycle.delete(params.workspaceId, actor);
  }
}
