/**
 * Behaviour switches. Defaults are the strict reading wherever Microsoft documents nothing; each
 * switch names the lenient alternative (see README, "Strict by default").
 */
export interface SimulatorSwitches {
  /**
   * false (strict): a disabled key refuses every operation, wrap included (403 KeyDisabled).
   * true: wrapKey/encrypt/verify still succeed on a disabled key, as reported in
   * Azure/azure-sdk-for-python#45342; get and the private-key operations stay refused.
   */
  disabledKeyAllowsPublicOps: boolean;
  /** true (strict): a vault request without `api-version` is 400 BadParameter. */
  requireApiVersion: boolean;
  /**
   * true: the built-in throttle's 429 carries Retry-After (seconds until the window has room).
   * false: no Retry-After, like the real 429 captured in vcsjones/AzureSignTool#219.
   */
  throttleRetryAfter: boolean;
  /** `expires_in` of issued tokens (Entra's app tokens: 3599). */
  tokenLifetimeSeconds: number;
}

export const defaultSwitches = (): SimulatorSwitches => ({
  disabledKeyAllowsPublicOps: false,
  requireApiVersion: true,
  throttleRetryAfter: true,
  tokenLifetimeSeconds: 3599,
});
