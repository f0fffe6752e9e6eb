import { type Reply } from '../http/http.types';
import { visibleProperties } from '../pvwa/platform-properties';
import {
  type CcpApp,
  type ClientCertificateRef,
  type StoredAccount,
  type StoredPlatform,
} from '../state/state.types';
import { type TenantState } from '../state/tenant-state';
import { type SimulatorState } from '../state/simulator-state';
import { type CcpQuery, parseCcpQuery, valueMatches } from './ccp-query';
import { CcpErrors } from './ccp.errors';

/** What the TLS layer tells us about the client certificate. */
export interface PeerCertificate {
  /** Chains to the CA the CCP listener trusts. */
  authorized: boolean;
  serialNumber?: string;
  fingerprint256?: string;
}

/** Resolves the AppID to a registered application; a `/t/<tenant>` prefix must name the app's tenant. */
export function findApp(
  state: SimulatorState,
  appId: string | undefined,
  tenantId: string | undefined,
): CcpApp {
  if (!appId) throw CcpErrors.appIdRequired();
  const app = state.getCcpApp(appId);
  if (!app || (tenantId !== undefined && app.tenantId !== tenantId.toLowerCase()))
    throw CcpErrors.appNotDefined(appId);
  return app;
}

/** An app registered without certificates accepts any caller, like an AppID without authentication methods. */
export function checkClientCertificate(app: CcpApp, peer: PeerCertificate | undefined): void {
  if (app.clientCertificates.length === 0) return;
  const allowed =
    peer?.authorized === true && app.clientCertificates.some((ref) => certificateMatches(ref, peer));
  if (!allowed) throw CcpErrors.authenticationFailed(app.appId);
}

function certificateMatches(ref: ClientCertificateRef, peer: PeerCertificate): boolean {
  if (ref.serialNumber !== undefined && normaliseHex(ref.serialNumber) === normaliseHex(peer.serialNumber))
    return true;
  return (
    ref.fingerprint256 !== undefined && normaliseHex(ref.fingerprint256) === normaliseHex(peer.fingerprint256)
  );
}

function normaliseHex(value: string | undefined): string {
  return (value ?? '').replaceAll(':', '').replace(/^0+/, '').toUpperCase();
}

export function retrieveCredential(
  tenant: TenantState,
  app: CcpApp,
  query: URLSearchParams,
  peer: PeerCertificate | undefined,
): Reply {
  checkClientCertificate(app, peer);
  const parsed = parseCcpQuery(query);
  const matches: StoredAccount[] = [];
  for (const safeName of app.allowedSafes) {
    const safe = tenant.getSafe(safeName);
    if (!safe) continue;
    for (const account of safe.accounts.values()) {
      if (accountMatches(account, tenant.getPlatform(account.platformId), parsed)) matches.push(account);
    }
  }
  const [first] = matches;
  if (!first) throw CcpErrors.notFound(parsed.description);
  if (matches.length > 1) throw CcpErrors.tooManyObjects(parsed.description);
  return { status: 200, body: toCcpAnswer(first, tenant.getPlatform(first.platformId)) };
}

function accountMatches(
  account: StoredAccount,
  platform: StoredPlatform | undefined,
  query: CcpQuery,
): boolean {
  const properties = visibleProperties(platform, account.platformAccountProperties);
  return query.criteria.every(({ name, value }) =>
    valueMatches(attributeOf(account, properties, name), value, query.format),
  );
}

function attributeOf(
  account: StoredAccount,
  properties: Record<string, string>,
  name: string,
): string | undefined {
  switch (name) {
    case 'Safe':
      return account.safeName;
    case 'Folder':
      return 'Root';
    case 'Object':
      return account.name;
    case 'UserName':
      return account.userName;
    case 'Address':
      return account.address;
    case 'PolicyID':
      return account.platformId;
    default:
      return properties[name];
  }
}

/** Every value is a string, as in captured CCP answers (`"PasswordChangeInProcess": "False"`). */
function toCcpAnswer(account: StoredAccount, platform: StoredPlatform | undefined): Record<string, string> {
  const management = account.secretManagement;
  return {
    ...visibleProperties(platform, account.platformAccountProperties),
    Content: account.secret,
    UserName: account.userName,
    Address: account.address,
    Name: account.name,
    Safe: account.safeName,
    Folder: 'Root',
    PolicyID: account.platformId,
    DeviceType: platform?.systemType ?? '',
    CreationMethod: 'PVWA',
    PasswordChangeInProcess: 'False',
    CPMDisabled: management.automaticManagementEnabled
      ? ''
      : (management.manualManagementReason ?? 'NoReason'),
    LastSuccessChange: String(management.lastModifiedTime),
    RetriesCount: '-1',
    SequenceID: '1',
  };
}
