import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequiresAccess } from '../auth/access.guard';
import { AdminApi, API_PREFIX } from '../http/admin-api';
import { ApiProblems } from '../http/api-problems.decorator';
import { PageQueryDto } from '../http/dto/page-query.dto';
import { WorkspaceParamsDto } from '../http/dto/route-params.dto';
import { AuditLogService } from './audit-log.service';
import { AuditPageDto } from './dto/audit-entry.dto';

@ApiTags('audit-log')
@AdminApi()
@ApiProblems(404)
@Controller(`${API_PREFIX}/workspaces/:workspaceId/vault-backup/audit-log`)
export class AuditLogController {
  constructor(private readonly auditLog: AuditLogService) {}

  @Get()
  @RequiresAccess('manage')
  @ApiOperation({ summary: 'Who did what to the vault backup, and when (newest first, paged).' })
  @ApiOkResponse({ type: AuditPageDto })
  list(@Param() params: WorkspaceParamsDto, @Query() query: PageQueryDto): Promise<AuditPageDto> {
    return this.auditLog.page(params.workspaceId, query);
  }
}
