import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequiresAccess } from '../auth/access.guard';
import { AdminApi, API_PREFIX } from '../http/admin-api';
import { VaultBackupSummaryPageDto, VaultBackupsQueryDto } from './dto/vault-backup-summary.dto';
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
}
