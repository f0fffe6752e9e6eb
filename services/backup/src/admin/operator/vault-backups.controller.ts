import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequiresAccess } from '../auth/access.guard';
import { ProblemPageDto, ProblemsQueryDto } from '../failures/dto/problem.dto';
import { AdminApi, API_PREFIX } from '../http/admin-api';
import { ApiProblems } from '../http/api-problems.decorator';
import { VaultBackupSummaryPageDto, VaultBackupsQueryDto } from './dto/vault-backup-summary.dto';
import { WorkspaceProblemsPageDto } from './dto/workspace-problems.dto';
import { VaultBackupsService } from './vault-backups.service';

@ApiTags('operator')
@AdminApi()
@Controller(`${API_PREFIX}/vault-backups`)
export class VaultBackupsController {
  constructor(private readonly backups: VaultBackupsService) {}

  @Get()
  @RequiresAccess('operator')
  @ApiOperation({ summary: "Operators only: status of every workspace's vault backup (paged)." })
  @ApiOkResponse({ type: VaultBackupSummaryPageDto })
  list(@Query() query: VaultBackupsQueryDto): Promise<VaultBackupSummaryPageDto> {
    return this.backups.page(query);
  }

  @Get('problems')
  @RequiresAccess('operator')
  @ApiOperation({
    summary: 'Operators only: failed and parked backups counted by workspace and error class (paged).',
    description:
      "Read-only. Workspaces ordered by what needs attention: most failed (waiting for an admin), then most parked (retried automatically), then by id. Same filters as a workspace's problems; `counts` covers every matching workspace.",
  })
  @ApiOkResponse({ type: WorkspaceProblemsPageDto })
  @ApiProblems({
    status: 400,
    description:
      'An unknown filter, a bad value, `to` before `from`, or a cursor not returned by this API (`validation-failed`; `problems` names the field).',
  })
  problems(@Query() query: ProblemsQueryDto): Promise<WorkspaceProblemsPageDto> {
    return this.backups.problems(query);
  }

  @Get('problems/unattributed')
  @RequiresAccess('operator')
  @ApiOperation({
    summary:
      'Operators only: open failures that belong to no workspace (dead letters), with what to do (paged).',
    description:
      "Read-only. Records whose workspace could not be read (e.g. not JSON) are failed and dead-lettered without one; they are listed here with the same item shape, filters, counts and paging as a workspace's problems.",
  })
  @ApiOkResponse({ type: ProblemPageDto })
  @ApiProblems({
    status: 400,
    description:
      'An unknown filter, a bad value, `to` before `from`, or a cursor not returned by this API (`validation-failed`; `problems` names the field).',
  })
  unattributed(@Query() query: ProblemsQueryDto): Promise<ProblemPageDto> {
    return this.backups.unattributedProblems(query);
  }
}
