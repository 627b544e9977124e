// The policy view: what the policy (or Capsule item) under the cursor selects and what each rule admits.
import type { PreviewLocation, PreviewPolicy, PreviewRule } from '../../server/src/protocol';
import { el } from './dom';

export type Reveal = (location: PreviewLocation) => void;

function link(text: string, location: PreviewLocation | undefined, reveal: Reveal, cls = 'link'): HTMLElement {
  if (!location) return el('span', { text });
  return el('button', {
    class: cls,
    text,
    attrs: { type: 'button', title: 'Show in the editor' },
    on: { click: () => reveal(location) },
  });
}

function portsText(p: string): string {
  return p === 'all' || /^all connections$/i.test(p) ? 'all ports' : p;
}

function ruleBlock(rule: PreviewRule, policy: PreviewPolicy, reveal: Reveal): HTMLElement {
  const key = rule.effect === 'deny' ? `${rule.direction}Deny` : rule.direction;
  const title = `${key}[${rule.index}]`;
  const body = el('div', { class: 'rule-body' });
  const peers = rule.direction === 'ingress' ? 'from' : 'to';
  if (rule.admits.length === 0 && rule.externals.length === 0) {
    body.appendChild(el('p', { class: 'muted', text: `${rule.effect === 'deny' ? 'Denies' : 'Admits'} nothing in the workspace ${peers} here.` }));
  }
  for (const group of rule.admits) {
    const tenant = group.tenant;
    const box = el('div', { class: `tenant-group${tenant && policy.selects.some((s) => s.tenant && s.tenant !== tenant) ? ' cross' : ''}` });
    box.appendChild(el('div', { class: 'tenant-name', text: tenant ? `tenant ${tenant}` : 'no tenant' }));
    const list = el('ul', { class: 'ns-list' });
    for (const ns of group.namespaces) {
      const item = el('li', {}, el('span', { class: 'ns', text: ns.namespace }), el('span', { class: 'ports', text: ` ${portsText(ns.ports)}` }));
      if (ns.workloads.length > 0) {
        const wl = el('ul', { class: 'wl-list' });
        for (const w of ns.workloads) wl.appendChild(el('li', {}, el('span', { class: 'wl', text: `${w.kind} ${w.id}` }), el('span', { class: 'ports', text: ` ${portsText(w.ports)}` })));
        item.appendChild(wl);
      }
      list.appendChild(item);
    }
    box.appendChild(list);
    body.appendChild(box);
  }
  if (rule.externals.length > 0) {
    const ext = el('ul', { class: 'ext-list' });
    for (const x of rule.externals) ext.appendChild(el('li', {}, el('span', { class: 'cidr', text: x.range }), el('span', { class: 'ports', text: ` ${portsText(x.ports)}` })));
    body.appendChild(el('div', { class: 'externals' }, el('div', { class: 'tenant-name', text: 'external addresses' }), ext));
  }
  for (const n of rule.notes) body.appendChild(el('p', { class: 'note', text: `note: ${n}` }));
  return el(
    'section',
    { class: `rule ${rule.direction} ${rule.effect}`, attrs: { 'aria-label': `${title} ${rule.effect}` } },
    el('h3', {}, link(title, rule.location, reveal), el('span', { class: `badge ${rule.effect}`, text: rule.effect === 'deny' ? 'deny' : 'allow' })),
    body,
  );
}

export function renderPolicy(host: HTMLElement, policy: PreviewPolicy | undefined, reveal: Reveal): void {
  if (!policy) {
    host.replaceChildren(
      el('p', { class: 'empty', text: 'Place the cursor in a NetworkPolicy, a CiliumNetworkPolicy or a Capsule networkPolicies item to see what it admits.' }),
    );
    return;
  }
  const parts: HTMLElement[] = [];
  const name = `${policy.kind} ${policy.namespace ? `${policy.namespace}/` : ''}${policy.name}`;
  parts.push(el('h2', {}, link(name, policy.location, reveal, 'link title')));
  if (policy.capsule) {
    parts.push(el('p', { class: 'capsule' }, el('span', { text: `Created by Capsule from ${policy.capsule.kind} ` }), link(policy.capsule.name, policy.capsule.location, reveal), el('span', { text: ` (tenant ${policy.capsule.tenant})` })));
  }
  if (policy.instances.length > 1) parts.push(el('p', { class: 'instances', text: `Stamped into ${policy.instances.length} namespaces: ${policy.instances.join(', ')}` }));

  const selects = el('ul', { class: 'selects' });
  for (const s of policy.selects) {
    const who = s.allPods || s.workloads.length === 0 ? 'every pod' : s.workloads.join(', ');
    selects.appendChild(el('li', {}, el('span', { class: 'ns', text: s.namespace }), el('span', { class: 'muted', text: s.tenant ? ` (tenant ${s.tenant})` : '' }), el('span', { text: `: ${who}` })));
  }
  parts.push(el('section', { class: 'selects-box' }, el('h3', { text: 'Selects' }), policy.selects.length ? selects : el('p', { class: 'muted', text: 'No pod in the workspace matches the pod selector.' })));

  for (const dir of ['ingress', 'egress'] as const) {
    const rules = policy.rules.filter((r) => r.direction === dir);
    const isolated = policy.isolates[dir];
    const box = el('section', { class: `direction ${dir}` }, el('h3', { text: dir === 'ingress' ? 'Ingress' : 'Egress' }));
    if (isolated) {
      const allows = rules.filter((r) => r.effect === 'allow');
      box.appendChild(el('p', {
        class: 'deny-note',
        text: allows.length === 0
          ? `Default deny: all ${dir} of the selected pods is denied (no rule admits anything).`
          : `Default deny: ${dir} the rules below do not admit is denied.`,
      }));
    } else {
      box.appendChild(el('p', { class: 'muted', text: `Not isolated for ${dir}: this policy does not restrict it.` }));
    }
    for (const r of rules) box.appendChild(ruleBlock(r, policy, reveal));
    parts.push(box);
  }
  host.replaceChildren(...parts);
}
