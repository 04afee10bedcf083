/**
 * Settings of the functions, read from environment variables (declared by name in
 * cloudbaserc.json, given values in the CloudBase console or by the local stack). Read on use, not
 * at load, so a changed console setting reaches warm instances after their next start only where
 * CloudBase itself restarts them, and tests can set them per case.
 */
export function adminOpenids(): ReadonlySet<string> {
  return new Set(
    (process.env.ADMIN_OPENIDS ?? '')
      .split(',')
      .map((openid) => openid.trim())
      .filter(Boolean),
  );
}
