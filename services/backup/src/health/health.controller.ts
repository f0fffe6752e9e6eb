import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Response } from 'express';
import { HealthRegistry, type ProbeKind, type ProbeReport } from './health.registry';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly registry: HealthRegistry) {}

  @Get('live')
  @ApiOperation({
    summary: 'Liveness: 503 when the process should be restarted (e.g. the consumer crashed for good).',
  })
  async live(@Res({ passthrough: true }) response: Response): Promise<ProbeReport> {
    return this.respond('live', response);
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: 503 while PostgreSQL, Kafka or the consumer is not serving.' })
  async ready(@Res({ passthrough: true }) response: Response): Promise<ProbeReport> {
    return this.respond('ready', response);
  }

  private async respond(kind: ProbeKind, response: Response): Promise<ProbeReport> {
    const report = await this.registry.probe(kind);
    response.status(report.status === 'ok' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }
}
