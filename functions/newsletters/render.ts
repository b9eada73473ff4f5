/**
 * Templates: `{{name}}`, `{{ unsubscribe_url }}`... Every value is HTML-escaped in HTML parts (a
 * subscriber's name cannot inject markup or a link); plain-text parts get the value as is. An
 * unknown variable renders empty.
 */
const VARIABLE = /\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g;

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);

export type Variables = Record<string, string | number | null | undefined>;

export function renderHtml(template: string, variables: Variables): string {
  return template.replace(VARIABLE, (_, name: string) => escapeHtml(String(variables[name] ?? '')));
}

export function renderText(template: string, variables: Variables): string {
  return template.replace(VARIABLE, (_, name: string) => String(variables[name] ?? ''));
}

/** The variables a template uses, in order of first use. */
export const variablesOf = (template: string): string[] => [...new Set([...template.matchAll(VARIABLE)].map((m) => m[1]))];

/** A readable plain-text part made from HTML, for a campaign that has none of its own. */
export function textFromHtml(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
    .replace(/<a\s[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, '$2 ($1)')
    .replace(/<(br|\/p|\/div|\/h[1-6]|\/li|\/tr)\s*\/?>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&')
    .replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n')
    .trim();
}
