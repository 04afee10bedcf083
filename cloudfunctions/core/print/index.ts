/**
 * Print files for codes: CSV, the microcode as SVG/PNG, the URL's QR code as PNG, and a
 * streaming zip. Pure functions and streams; storing them is the caller's business.
 */
export * from './csv.js';
export * from './errors.js';
export * from './files.js';
export * from './grid.js';
export * from './qr.js';
export * from './zip.js';
