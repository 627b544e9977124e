// dns-egress-by-service-ip: DNS is allowed only through an ipBlock on what is probably the DNS Service's
// ClusterIP, which many CNIs never see (they match after Service translation). The analysis and the fix
// live in dns.ts.
import { DNS_EGRESS_BY_SERVICE_IP, reportDns } from './dns';
import type { WorkspaceRule } from './types';

export const dnsEgressByServiceIp: WorkspaceRule = {
  id: DNS_EGRESS_BY_SERVICE_IP,
  check: (ctx) => reportDns(ctx, DNS_EGRESS_BY_SERVICE_IP),
};
