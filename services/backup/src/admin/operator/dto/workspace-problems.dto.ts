import { ApiProperty } from '@nestjs/swagger';
import { ClassCountDto, ProblemCountsDto } from '../../failures/dto/problem.dto';

/** One workspace's failed and parked backups, counted; no account, no message. */
export class WorkspaceProblemsDto {
  @ApiProperty({ example: 'ws-4f2a' })
  workspaceId!: string;

  @ApiProperty({ description: 'Failed: waiting for an admin to fix the cause and replay.' })
  failed!: number;

  @ApiProperty({ description: 'Parked: retried automatically.' })
  parked!: number;

  @ApiProperty()
  total!: number;

  @ApiProperty({ format: 'date-time', description: 'The earliest first failure among them.' })
  oldestFailedAt!: string;

  @ApiProperty({ format: 'date-time', description: 'The latest failure among them.' })
  lastFailedAt!: string;

  @ApiProperty({ type: () => [ClassCountDto], description: 'By error class; they add up to the totals.' })
  byClass!: ClassCountDto[];
}

export class WorkspaceProblemsPageDto {
  @ApiProperty({
    type: () => [WorkspaceProblemsDto],
    description: 'What needs attention first: most failed, then most parked, then by workspace id.',
  })
  items!: WorkspaceProblemsDto[];

  @ApiProperty({ type: () => ProblemCountsDto, description: 'Across every workspace, for the same filters.' })
  counts!: ProblemCountsDto;

  @ApiProperty({
    type: () => ProblemCountsDto,
    description:
      'Open failures attributed to no workspace (dead letters whose record named none), for the same filters; listed by GET …/vault-backups/problems/unattributed.',
  })
  unattributed!: ProblemCountsDto;

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}
