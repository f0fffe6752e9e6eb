import { execFile } from 'node:child_process';
import { X509Certificate, randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Short-lived EC P-256 keys: fast to generate, and nothing here is meant to outlive a test run. */
const KEY_ARGS = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
const VALID_DAYS = '2';

export interface CertificateFiles {
  certFile: string;
  keyFile: string;
  certPem: string;
  keyPem: string;
  /** Upper-case hex without separators, as Node's `X509Certificate.serialNumber` prints it. */
  serialNumber: string;
  /** Upper-case hex pairs separated by `:`, as Node's `X509Certificate.fingerprint256` prints it. */
  fingerprint256: string;
}

export interface CertificateAuthority extends CertificateFiles {
  dir: string;
}

export type CertificatePurpose = 'server' | 'client';

export interface IssueOptions {
  /**
   * Extra DNS names of a server certificate, besides 127.0.0.1 and localhost (wildcards such as
   * `*.vault.azure.net` allowed), for a simulator that answers under real service host names.
   */
  dnsNames?: readonly string[];
}

/** Creates a throwaway directory (0700) for keys; the caller removes it with `removePkiDir`. */
export async function createPkiDir(prefix = 'test-pki-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await chmod(dir, 0o700);
  return dir;
}

export async function removePkiDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export async function createCertificateAuthority(
  dir: string,
  commonName = 'Simulator Test CA',
): Promise<CertificateAuthority> {
  const certFile = join(dir, 'ca.crt');
  const keyFile = join(dir, 'ca.key');
  await run('openssl', [
    'req',
    '-x509',
    ...KEY_ARGS,
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-days',
    VALID_DAYS,
    '-subj',
    `/CN=${commonName}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return { dir, ...(await describe(certFile, keyFile)) };
}

/**
 * Issues a leaf certificate signed by `authority`: server ones are valid for 127.0.0.1, localhost
 * and `options.dnsNames`.
 */
export async function issueCertificate(
  authority: CertificateAuthority,
  commonName: string,
  purpose: CertificatePurpose,
  options: IssueOptions = {},
): Promise<CertificateFiles> {
  const base = join(authority.dir, `${purpose}-${randomBytes(4).toString('hex')}`);
  const [keyFile, csrFile, certFile, extFile] = [`${base}.key`, `${base}.csr`, `${base}.crt`, `${base}.ext`];
  await run('openssl', [
    'req',
    '-new',
    ...KEY_ARGS,
    '-keyout',
    keyFile,
    '-out',
    csrFile,
    '-subj',
    `/CN=${commonName}`,
  ]);
  await writeFile(extFile, extensionsFor(purpose, options.dnsNames ?? []));
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    csrFile,
    '-CA',
    authority.certFile,
    '-CAkey',
    authority.keyFile,
    '-out',
    certFile,
    '-days',
    VALID_DAYS,
    '-set_serial',
    `0x${randomSerial()}`,
    '-extfile',
    extFile,
  ]);
  await rm(csrFile, { force: true });
  return describe(certFile, keyFile);
}

function extensionsFor(purpose: CertificatePurpose, dnsNames: readonly string[]): string {
  const common = 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n';
  if (purpose === 'client') return `${common}extendedKeyUsage=clientAuth\n`;
  const names = ['IP:127.0.0.1', 'DNS:localhost', ...dnsNames.map(checkedDnsName)].join(',');
  return `${common}extendedKeyUsage=serverAuth\nsubjectAltName=${names}\n`;
}

/** Names end up in an openssl config line, so only host-name characters (and one leading `*.`) pass. */
function checkedDnsName(name: string): string {
  if (!/^(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/.test(name)) {
    throw new RangeError(`not a DNS name for a certificate: ${name}`);
  }
  return `DNS:${name}`;
}

/** 64 random bits with the top bit cleared, so the serial stays positive. */
function randomSerial(): string {
  const bytes = randomBytes(8);
  bytes[0] = bytes[0] & 0x7f;
  return bytes.toString('hex');
}

async function describe(certFile: string, keyFile: string): Promise<CertificateFiles> {
  await chmod(keyFile, 0o600);
  const [certPem, keyPem] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]);
  const certificate = new X509Certificate(certPem);
  return {
    certFile,
    keyFile,
    certPem,
    keyPem,
    serialNumber: certificate.serialNumber.toUpperCase(),
    fingerprint256: certificate.fingerprint256.toUpperCase(),
  };
}
