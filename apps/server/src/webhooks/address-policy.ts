import ipaddr from "ipaddr.js";

/**
 * Where Kassa may send a webhook (no SSRF, issue 11): only to public unicast addresses, as
 * ipaddr.js classifies them (IANA's special-purpose registries). Everything else is refused:
 * loopback, private (RFC 1918) and unique local (fc00::/7), link-local (where cloud metadata
 * answers: 169.254.169.254, fd00:ec2::254 is unique local), carrier-grade NAT (100.64/10),
 * unspecified, multicast, broadcast, documentation and reserved ranges, and the IPv6 forms
 * that carry an IPv4 address inside (6to4, NAT64, Teredo). An IPv4-mapped IPv6 address
 * (::ffff:10.0.0.1) is judged as the IPv4 address it is. Demo mode also allows loopback, so a
 * receiver on the same machine works; nothing else.
 *
 * ipaddr.js (MIT, no dependencies, Node >= 10) is what proxy-addr, under Fastify's
 * trustProxy, already uses for these ranges.
 */
const WHAT: Readonly<Record<string, string>> = {
  loopback: "a loopback address",
  private: "a private address (RFC 1918)",
  uniqueLocal: "a unique local address (fc00::/7)",
  linkLocal: "a link-local address",
  carrierGradeNat: "a carrier-grade NAT address (100.64.0.0/10)",
  unspecified: "the unspecified address",
};

const METADATA = new Set(["169.254.169.254", "fd00:ec2::254"]);

/** Why Kassa refuses to connect to `address`, or undefined when it may. */
export function addressRefusal(address: string, options: { allowLoopback: boolean }): string | undefined {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.process(address);
  } catch {
    return `${address} is not an IP address`;
  }
  const range = parsed.range();
  if (range === "unicast") return undefined;
  if (range === "loopback" && options.allowLoopback) return undefined;
  const normal = parsed.toNormalizedString();
  const text = parsed.kind() === "ipv6" ? (parsed as ipaddr.IPv6).toRFC5952String() : normal;
  if (METADATA.has(text)) return `${text} is the cloud metadata service`;
  return `${text} is ${WHAT[range] ?? `in a special-purpose range (${range})`}, not a public address`;
}

/** `host` as a URL gives it, without IPv6 brackets, if it is an IP address. */
export function ipLiteralOf(host: string): string | undefined {
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  return ipaddr.isValid(bare) && (bare.includes(":") || ipaddr.IPv4.isValidFourPartDecimal(bare))
    ? bare
    : undefined;
}
