import { HttpStatus } from '@nestjs/common';
import { type Response } from 'express';
import { type ProblemResponse } from '../http/api-problems.decorator';
import { type ReplayJobDto, type ReplayPlanDto } from './dto/replay-job.dto';
import { type CreateResult } from './replay-jobs.service';

/** A plan answers 200; a job 202 with its Location. */
export function answerCreated(
  result: CreateResult,
  response: Response,
  collectionPath: string,
): ReplayPlanDto | ReplayJobDto {
  if ('plan' in result) return result.plan;
  response.status(HttpStatus.ACCEPTED).location(`/${collectionPath}/${result.job.id}`);
  return result.job;
}

export const JOB_NOT_FOUND: ProblemResponse = {
  status: 404,
  description:
    'No such replay job here (`replay-job-not-found`), or not your workspace (`vault-backup-not-found`).',
  code: 'REPLAY_JOB_NOT_FOUND',
};

export const NOT_RUNNING: ProblemResponse = {
  status: 409,
  description: 'The job already ended (`replay-job-not-running`).',
  code: 'REPLAY_JOB_NOT_RUNNING',
};

export const NOT_CANCELLED: ProblemResponse = {
  status: 409,
  description:
    'Only a cancelled job can be resumed (`replay-job-not-cancelled`), another job is running here (`replay-job-active`, `activeJobId`), or the backup is not enabled (`backup-not-enabled`).',
  code: 'REPLAY_JOB_NOT_CANCELLED',
};

export const CREATE_PROBLEMS: ProblemResponse[] = [
  {
    status: 400,
    description:
      'An unknown field, both or neither of `failureIds` and `filter`, a bad id or filter value, `to` before `from`, or `ratePerSecond` above REPLAY_JOB_MAX_RATE (`validation-failed`; `problems` names the field).',
  },
  {
    status: 409,
    description:
      'A job is already running here (`replay-job-active`; `activeJobId` names it), or the backup is not enabled (`backup-not-enabled`).',
    code: 'REPLAY_JOB_ACTIVE',
  },
  {
    status: 422,
    description:
      'Nothing matches (`empty-selection`), ids that are not failures here (`unknown-failures`, listed in `unknownFailureIds`), or more accounts than REPLAY_JOB_MAX_ITEMS (`selection-too-large`): nothing was created.',
    code: 'EMPTY_SELECTION',
  },
];

export const DEAD_LETTER_PROBLEMS: ProblemResponse[] = [
  {
    status: 400,
    description:
      'An unknown field, a bad partition or offset, `toOffset` below `fromOffset`, `workspaceId` with `unattributed`, or `ratePerSecond` above REPLAY_JOB_MAX_RATE (`validation-failed`).',
  },
  {
    status: 409,
    description: 'A dead-letter replay job is already running (`replay-job-active`; `activeJobId` names it).',
    code: 'REPLAY_JOB_ACTIVE',
  },
  {
    status: 422,
    description:
      'No dead letter in the range matches (`empty-selection`), or the range spans more than REPLAY_JOB_MAX_ITEMS offsets (`selection-too-large`).',
    code: 'EMPTY_SELECTION',
  },
];
