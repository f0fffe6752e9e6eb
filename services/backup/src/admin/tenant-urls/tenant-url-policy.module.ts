import { type DynamicModule, Global, Inject, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { TenantUrlPolicy } from '@vault-backup/url-policy';
import { type AdminConfig } from '../admin.config';
import { TENANT_URL_POLICY } from '../admin.tokens';

/**
 * The one tenant URL policy of the process. Global so that the pipeline's CyberArk client factory
 * applies exactly the policy the admin API validated the URLs with.
 */
@Global()
@Module({})
export class TenantUrlPolicyModule implements OnModuleInit {
  constructor(@Inject(TENANT_URL_POLICY) private readonly policy: TenantUrlPolicy) {}

  static forRoot(options: AdminConfig['tenantUrls']): DynamicModule {
    return {
      module: TenantUrlPolicyModule,
      providers: [{ provide: TENANT_URL_POLICY, useFactory: () => new TenantUrlPolicy(options) }],
      exports: [TENANT_URL_POLICY],
    };
  }

  onModuleInit(): void {
    if (this.policy.allowsInsecureLoopback) {
      new Logger('TenantUrlPolicy').warn(
        'CYBERARK_ALLOW_INSECURE_LOOPBACK is on: tenant URLs on 127.0.0.1 over plain http are accepted. For demos and tests only.',
      );
    }
  }
}
