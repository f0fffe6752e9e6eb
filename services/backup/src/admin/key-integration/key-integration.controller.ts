import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
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
import { ApiProblems, type ProblemResponse } from '../http/api-problems.decorator';
import { CurrentActor } from '../http/current-actor.decorator';
import { WorkspaceParamsDto } from '../http/dto/route-params.dto';
import { type Actor } from '../http/request-context';
import { KeyIntegrationDto, RemoveKeyQueryDto } from './dto/key-integration.dto';
import { KeyIntegrationResultDto, KeyIntegrationViewDto } from './dto/key-integration-view.dto';
import { KeyIntegrationService } from './key-integration.service';

const UNPROCESSABLE = 422;

const NO_KEY_INTEGRATION: ProblemResponse = {
  status: 404,
  description:
    'No key integration (`key-integration-not-found`), or not your workspace (`vault-backup-not-found`, as on every route).',
  code: 'KEY_INTEGRATION_NOT_FOUND',
};
const CHANGED_CONCURRENTLY: ProblemResponse = {
  status: 409,
  description: 'Changed concurrently (`concurrent-change`): reload and try again.',
  code: 'CONCURRENT_CHANGE',
};

/**
 * The workspace's own Azure Key Vault key (customer-managed key), as the "Set up an Azure Key Vault
 * integration" page describes it. Same roles and audit as the backup setup.
 */
@ApiTags('key-integration')
@AdminApi()
@ApiProblems(404)
@Controller(`${API_PREFIX}/workspaces/:workspaceId/key-integration`)
export class KeyIntegrationController {
  constructor(private readonly keys: KeyIntegrationService) {}

  @Get()
  @RequiresAccess('read-status')
  @ApiOperation({ summary: 'The stored key integration (never the client secret) and its last check.' })
  @ApiOkResponse({ type: KeyIntegrationViewDto })
  @ApiProblems(NO_KEY_INTEGRATION)
  get(@Param() params: WorkspaceParamsDto): Promise<KeyIntegrationViewDto> {
    return this.keys.get(params.workspaceId);
  }

  @Put()
  @RequiresAccess('manage')
  @ApiOperation({
    summary:
      'Set or change the key: every check runs live (token, vault, key type and size, permitted operations, a ' +
      'wrap/unwrap round trip); only a key that passes is stored. Data sealed under a previous key is re-wrapped.',
  })
  @ApiOkResponse({ type: KeyIntegrationResultDto, description: 'Every check passed; stored.' })
  @ApiUnprocessableEntityResponse({
    type: KeyIntegrationResultDto,
    description: 'A check failed; nothing changed. The report names each problem and its fix.',
  })
  @ApiProblems({
    status: 409,
    description:
      'Changed concurrently (`concurrent-change`), or the previous key can no longer be used to re-wrap data (`key-access-lost`).',
    code: 'KEY_ACCESS_LOST',
  })
  @ApiProblems(429)
  async put(
    @Param() params: WorkspaceParamsDto,
    @Body() body: KeyIntegrationDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) response: Response,
  ): Promise<KeyIntegrationResultDto> {
    return answered(response, await this.keys.replace(params.workspaceId, body, actor));
  }

  @Post('validate')
  @RequiresAccess('manage')
  @ApiOperation({ summary: 'Check the stored key again now (e.g. after changing a role assignment).' })
  @ApiOkResponse({ type: KeyIntegrationResultDto })
  @ApiUnprocessableEntityResponse({ type: KeyIntegrationResultDto })
  @ApiProblems(NO_KEY_INTEGRATION, CHANGED_CONCURRENTLY)
  @ApiProblems(429)
  async validate(
    @Param() params: WorkspaceParamsDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) response: Response,
  ): Promise<KeyIntegrationResultDto> {
    return answered(response, await this.keys.validate(params.workspaceId, actor));
  }

  @Post('rotate')
  @RequiresAccess('manage')
  @ApiOperation({
    summary:
      "After rotating the key in Key Vault: adopt its current version for new data and re-wrap the workspace's data keys online.",
  })
  @ApiOkResponse({ type: KeyIntegrationResultDto })
  @ApiUnprocessableEntityResponse({ type: KeyIntegrationResultDto })
  @ApiProblems(NO_KEY_INTEGRATION, {
    ...CHANGED_CONCURRENTLY,
    description:
      'Changed concurrently (`concurrent-change`), or data sealed under the key cannot be re-wrapped (`key-access-lost`).',
  })
  @ApiProblems(429)
  async rotate(
    @Param() params: WorkspaceParamsDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) response: Response,
  ): Promise<KeyIntegrationResultDto> {
    return answered(response, await this.keys.rotate(params.workspaceId, actor));
  }

  @Delete()
  @HttpCode(204)
  @RequiresAccess('manage')
  @ApiOperation({
    summary:
      "Remove the key. The workspace's data is first re-wrapped under the service key; with shred=true it is " +
      'forgotten instead (crypto-shredding). Idempotent.',
  })
  @ApiNoContentResponse()
  @ApiProblems({
    status: 409,
    description: 'Access to the key is lost (`key-access-lost`): restore it or shred.',
    code: 'KEY_ACCESS_LOST',
  })
  remove(
    @Param() params: WorkspaceParamsDto,
    @Query() query: RemoveKeyQueryDto,
    @CurrentActor() actor: Actor,
  ): Promise<void> {
    return this.keys.remove(params.workspaceId, actor, query.shred === 'true');
  }
}

/** A failed check is a 422 carrying the full report, never an error page. */
function answered(response: Response, result: KeyIntegrationResultDto): KeyIntegrationResultDto {
  response.status(result.status === 'failed' ? UNPROCESSABLE : 200);
  return result;
}
