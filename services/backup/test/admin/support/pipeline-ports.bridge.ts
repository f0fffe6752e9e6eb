import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { type ConsumedRecord } from '@vault-backup/kafka';
import { PipelineModule } from '../../../src/pipeline/pipeline.module';
import { RECORD_SEALER, type RecordSealerPort } from '../../../src/pipeline/ports/record-sealer.port';
import {
  WORKSPACE_TARGETS,
  type WorkspaceTargetsPort,
} from '../../../src/pipeline/ports/workspace-targets.port';

type Purpose = 'pending-backup' | 'backup-failure';

/** The pipeline's own instances, attached once the application is compiled. */
export class PipelinePorts {
  targets: WorkspaceTargetsPort | undefined;
  sealer: RecordSealerPort | undefined;
}

/**
 * What AdminModule needs from the pipeline (WORKSPACE_TARGETS, RECORD_SEALER). Once PipelineModule
 * exports both, it is imported as is; until then these delegates forward to the pipeline's
 * instances, so `invalidate` reaches the cache the consumer really uses.
 */
export function pipelinePortsModule(ports: PipelinePorts): Type | DynamicModule {
  const exported = (Reflect.getMetadata('exports', PipelineModule) ?? []) as unknown[];
  if (exported.includes(WORKSPACE_TARGETS) && exported.includes(RECORD_SEALER)) return PipelineModule;
  const targets: WorkspaceTargetsPort = {
    activeTargets: (ids) => required(ports.targets).activeTargets(ids),
    invalidate: (id) => required(ports.targets).invalidate(id),
  };
  const sealer: RecordSealerPort = {
    seal: (record: ConsumedRecord, purpose: Purpose, workspaceId: string | undefined) =>
      required(ports.sealer).seal(record, purpose, workspaceId),
    open: (ciphertext: string, purpose: Purpose, workspaceId: string | undefined) =>
      required(ports.sealer).open(ciphertext, purpose, workspaceId),
  };
  return {
    module: PipelinePortsBridgeModule,
    providers: [
      { provide: WORKSPACE_TARGETS, useValue: targets },
      { provide: RECORD_SEALER, useValue: sealer },
    ],
    exports: [WORKSPACE_TARGETS, RECORD_SEALER],
  };
}

@Module({})
class PipelinePortsBridgeModule {}

function required<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('pipeline ports are not attached yet');
  return value;
}
