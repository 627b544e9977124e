// dns-egress-missing: pods isolated for egress that no rule lets reach the cluster DNS (or only over
// TCP): every name lookup times out. The analysis and the "Insert DNS egress rule" fix live in dns.ts.
import { DNS_EGRESS_MISSING, reportDns } from './dns';
import type { WorkspaceRule } from './types';

export const dnsEgressMissing: WorkspaceRule = {
  id: DNS_EGRESS_MISSING,
  check: (ctx) => reportDns(ctx, DNS_EGRESS_MISSING),
};
