function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/**
 * `2025-03-02 17:30` in the phone's time zone, or `—` for a missing or unparsable value. Small
 * enough not to pull a date library into the main package.
 */
export function formatDateTime(iso: string | undefined): string {
  const time = iso ? new Date(iso) : null;
  if (!time || Number.isNaN(time.getTime())) return '—';
  const date = `${time.getFullYear()}-${pad(time.getMonth() + 1)}-${pad(time.getDate())}`;
  return `${date} ${pad(time.getHours())}:${pad(time.getMinutes())}`;
}
