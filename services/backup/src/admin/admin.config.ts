import { z } from 'zod';
import { envBool, envDuration, envInt, envList, envUrl, parseEnv } from '@vault-backup/config';
import { ConfigurationError } from '@vault-backup/errors';
import {
  DEFAULT_ALLOWED_DOMAINS,
  TenantUrlPolicy,
  type TenantUrlPolicyOptions,
} from '@vault-backup/url-policy';
import { type CheckBudget } from './rate-limit/workspace-check.limiter';

/**
 * Environment of the admin API, parsed on its own so the service config stays untouched. Names
 * and defaults are documented here and in the report to the lead; secrets: none (the issuer's keys
 * are public, fetched from the JWKS URL).
 */
export const adminEnvSchema = z.object({
  AUTH_JWKS_URL: envUrl(['https:', 'http:']),
  AUTH_ISSUER: z.string().trim().min(1).max(512),
  AUTH_AUDIENCE: z.string().trim().min(1).max(512),
  AUTH_CLOCK_TOLERANCE: envDuration().default(30_000),
  AUTH_JWKS_TIMEOUT: envDuration().default(5_000),
  AUTH_MAX_TOKEN_AGE: envDuration()
    .refine((ms) => ms >= 60_000, 'must be at least 1m')
    .default(86_400_000),
  CYBERARK_ALLOWED_DOMAINS: envList().default([...DEFAULT_ALLOWED_DOMAINS]),
  CYBERARK_ALLOWED_PORTS: envList().default(['443']),
  CYBERARK_ALLOW_INSECURE_LOOPBACK: envBool().default(false),
  ADMIN_REPLAY_MAX_PER_REQUEST: envInt({ min: 1, max: 10_000 }).default(1_000),
  ADMIN_CHECKS_PER_MINUTE: envInt({ min: 1, max: 10_000 }).default(10),
  ADMIN_CHECKS_BURST: envInt({ min: 1, max: 1_000 }).default(5),
  ADMIN_CHECKS_CONCURRENCY: envInt({ min: 1, max: 16 }).default(2),
  METRICS_FRESHNESS_TOP_WORKSPACES: envInt({ min: 0, max: 500 }).default(20),
  REPLAY_JOB_DEFAULT_RATE: envInt({ min: 1, max: 10_000 }).default(50),
  REPLAY_JOB_MAX_RATE: envInt({ min: 1, max: 10_000 }).default(1_000),
  REPLAY_JOB_MAX_ITEMS: envInt({ min: 1, max: 1_000_000 }).default(50_000),
  REPLAY_JOB_POLL_INTERVAL: envDuration()
    .refine((ms) => ms >= 10 && ms <= 60_000, 'must be between 10ms and 1m')
    .default(1_000),
  REPLAY_JOB_LEASE: envDuration()
    .refine((ms) => ms >= 1_000, 'must be at least 1s')
    .default(30_000),
});

/** Replay jobs: records produced per second (default, ceiling), items per job, how often runners look, lease. */
export interface ReplayJobLimits {
  readonly defaultRate: number;
  readonly maxRate: number;
  readonly maxItems: number;
  readonly pollIntervalMs: number;
  readonly leaseMs: number;
}

export interface AdminConfig {
  readonly auth: {
    readonly jwksUrl: string;
    readonly issuer: string;
    readonly audience: string;
    readonly clockToleranceSeconds: number;
    readonly jwksTimeoutMs: number;
    /** Longest lifetime accepted: `exp - iat`, or `exp - now` without `iat`. */
    readonly maxTokenAgeSeconds: number;
  };
  /** Also what the pipeline's CyberArk client factory must apply (see TenantUrlPolicyModule). */
  readonly tenantUrls: Required<
    Pick<TenantUrlPolicyOptions, 'allowedDomains' | 'allowedPorts' | 'allowInsecureLoopback'>
  >;
  readonly replay: { readonly maxPerRequest: number; readonly jobs: ReplayJobLimits };
  /** Per workspace and per replica: connect, validate and key checks (outbound calls + audit rows). */
  readonly checks: CheckBudget;
  /** Workspaces whose backup freshness is exported by name (the stalest); 0: only the count. */
  readonly freshnessTopWorkspaces: number;
}

export function loadAdminConfig(env: Record<string, string | undefined> = process.env): AdminConfig {
  const parsed = parseEnv(adminEnvSchema, env);
  const config: AdminConfig = {
    auth: {
      jwksUrl: parsed.AUTH_JWKS_URL,
      issuer: parsed.AUTH_ISSUER,
      audience: parsed.AUTH_AUDIENCE,
      clockToleranceSeconds: Math.round(parsed.AUTH_CLOCK_TOLERANCE / 1_000),
      jwksTimeoutMs: parsed.AUTH_JWKS_TIMEOUT,
      maxTokenAgeSeconds: Math.floor(parsed.AUTH_MAX_TOKEN_AGE / 1_000),
    },
    tenantUrls: {
      allowedDomains: parsed.CYBERARK_ALLOWED_DOMAINS,
      allowedPorts: parsePorts(parsed.CYBERARK_ALLOWED_PORTS),
      allowInsecureLoopback: parsed.CYBERARK_ALLOW_INSECURE_LOOPBACK,
    },
    replay: {
      maxPerRequest: parsed.ADMIN_REPLAY_MAX_PER_REQUEST,
      jobs: {
        defaultRate: Math.min(parsed.REPLAY_JOB_DEFAULT_RATE, parsed.REPLAY_JOB_MAX_RATE),
        maxRate: parsed.REPLAY_JOB_MAX_RATE,
        maxItems: parsed.REPLAY_JOB_MAX_ITEMS,
        pollIntervalMs: parsed.REPLAY_JOB_POLL_INTERVAL,
        leaseMs: parsed.REPLAY_JOB_LEASE,
      },
    },
    freshnessTopWorkspaces: parsed.METRICS_FRESHNESS_TOP_WORKSPACES,
    checks: {
      perMinute: parsed.ADMIN_CHECKS_PER_MINUTE,
      burst: parsed.ADMIN_CHECKS_BURST,
      concurrency: parsed.ADMIN_CHECKS_CONCURRENCY,
    },
  };
  assertSafeJwksUrl(config.auth.jwksUrl);
  // Validates the domain list now, so a typo fails the start rather than the first connect.
  new TenantUrlPolicy(config.tenantUrls);
  return config;
}

function parsePorts(values: readonly string[]): number[] {
  const ports = values.map(Number);
  if (ports.some((port) => !Number.isInteger(port) || port < 1 || port > 65_535)) {
    throw new ConfigurationError(['CYBERARK_ALLOWED_PORTS must list TCP ports (1-65535)']);
  }
  return ports;
}

/** Keys fetched over plain http could be swapped in transit; only a loopback issuer (demo, tests) may use it. */
function assertSafeJwksUrl(url: string): void {
  const parsed = new URL(url);
  const loopback = ['127.0.0.1', '[::1]', 'localhost'].includes(parsed.hostname);
  if (parsed.protocol !== 'https:' && !loopback) {
    throw new ConfigurationError([
      'AUTH_JWKS_URL must use https (http is accepted for a loopback issuer only)',
    ]);
  }
}
