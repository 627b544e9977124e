// dns-egress-udp-only: DNS is allowed over UDP but not TCP, so answers that do not fit a UDP datagram
// (truncated replies, DNSSEC, many records) fail. The analysis and the fix live in dns.ts.
import { DNS_EGRESS_UDP_ONLY, reportDns } from './dns';
import type { WorkspaceRule } from './types';

export const dnsEgressUdpOnly: WorkspaceRule = {
  id: DNS_EGRESS_UDP_ONLY,
  check: (ctx) => reportDns(ctx, DNS_EGRESS_UDP_ONLY),
};
