import { Writable } from 'node:stream';
import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { buildLoggerOptions, type LogLevel } from '@vault-backup/observability';

/** Every line the service logs, for tests that search them (e.g. for secrets). */
export class LogSink {
  private readonly lines: string[] = [];
  readonly stream = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      this.lines.push(chunk.toString('utf8'));
      done();
    },
  });

  text(): string {
    return this.lines.join('');
  }

  count(): number {
    return this.lines.length;
  }
}

/**
 * The service's LoggingModule with the same pino options (redaction included), writing into a
 * LogSink instead of stdout. Swapped in with `overrideModule(LoggingModule)`.
 */
@Module({})
export class LogCaptureModule {
  static forRoot(sink: LogSink, level: LogLevel): DynamicModule {
    return {
      module: LogCaptureModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: [
            {
              ...buildLoggerOptions({ name: 'vault-backup', level }),
              quietReqLogger: true,
              customProps: () => ({ component: 'http' }),
            },
            sink.stream,
          ],
        }),
      ],
    };
  }
}
