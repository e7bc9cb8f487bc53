// The shared "field must be one of these values" check of every quantize-lib config resolver.

import { ConfigError } from '@whittle/datasets';

/**
 * Throw a ConfigError unless `value` is one of `allowed` (compared with ===). The message names the
 * config, the field, every allowed value and what was passed, all as JSON.
 *
 * @example
 * oneOf('Float16 config', 'overflow', 'saturate', ['error', 'clamp']);
 * // ConfigError: Float16 config 'overflow' must be "error" or "clamp"; got "saturate"
 */
export function oneOf(config: string, field: string, value: unknown, allowed: readonly unknown[], hint?: string): void {
  if (!allowed.includes(value)) {
    throw new ConfigError(`${config} '${field}' must be ${allowed.map((a) => JSON.stringify(a)).join(' or ')}; got ${JSON.stringify(value)}`, hint);
  }
}
