import type { ComponentChildren } from 'preact';

/**
 * A table cell that carries its column's name for narrow screens: below 48rem the table's head is
 * hidden and each row reads as a short list ("Role: Child"), so the name is shown there (and only there).
 */
export function Td({ label, children, class: cls }: { label: string; children: ComponentChildren; class?: string }) {
  return (
    <td class={cls}>
      <span class="cell-label">{label}: </span>
      {children}
    </td>
  );
}
