/**
 * What must never appear in a log line (quality-bar.md "Security"): private keys, the APIv3
 * key, the app secret, session keys, session tokens and full openids.
 */
export interface SecretsToFind {
  /** Exact values known to the test: keys, secrets, tokens, openids. */
  values: string[];
}

const PATTERNS: [string, RegExp][] = [
  ["a PEM private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ["a session token", /kst_[A-Za-z0-9_-]{20,}/],
  ["a session_key field", /session_key"?\s*[:=]\s*"[^"[]/],
  ["a Bearer credential", /Bearer\s+[A-Za-z0-9._~+/-]{16,}/],
  ["a merchant API key", /sk_(live|test)_[A-Za-z0-9_-]{20,}/],
  ["a webhook signing secret", /whsec_[A-Za-z0-9+/]{20,}/],
];

/** Every leak found, as "line N: what"; empty when the logs are clean. */
export function findSecretsInLogs(lines: readonly string[], secrets: SecretsToFind): string[] {
  const found: string[] = [];
  lines.forEach((line, index) => {
    for (const [what, pattern] of PATTERNS) if (pattern.test(line)) found.push(`line ${index + 1}: ${what}`);
    for (const value of secrets.values) {
      if (value.length >= 8 && line.includes(value))
        found.push(`line ${index + 1}: the value ${value.slice(0, 4)}…`);
    }
  });
  return found;
}
