// A tiny element builder: text only ever goes in through textContent, attributes through setAttribute.
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { class?: string; text?: string; attrs?: Record<string, string | undefined>; on?: Record<string, (e: Event) => void> } = {},
  ...children: (Node | undefined | false)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (props.class) e.className = props.class;
  if (props.text !== undefined) e.textContent = props.text;
  if (props.attrs) for (const [k, v] of Object.entries(props.attrs)) if (v !== undefined) e.setAttribute(k, v);
  if (props.on) for (const [k, f] of Object.entries(props.on)) e.addEventListener(k, f);
  for (const c of children) if (c) e.appendChild(c);
  return e;
}
