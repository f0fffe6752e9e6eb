/**
 * Name the Vault gives an account added without `name`: `<platformId>-<address>-<userName>`, and
 * ` (n)` appended on collision, as seen in captured data (`Network Device-CiscoSSH-10.0.1.30 (1)`).
 * The exact real rule is UNCONFIRMED; this keeps its visible shape.
 */
export function generateAccountName(
  platformId: string,
  address: string,
  userName: string,
  isTaken: (name: string) => boolean,
): string {
  const base = [platformId, address, userName].filter((part) => part.length > 0).join('-');
  if (!isTaken(base)) return base;
  for (let suffix = 1; ; suffix++) {
    const candidate = `${base} (${suffix})`;
    if (!isTaken(candidate)) return candidate;
  }
}
