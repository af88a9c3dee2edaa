/**
 * Imported before Ink and React: unless the user chose otherwise, load React's production build.
 * React picks its build from NODE_ENV when it is first loaded, and the development build (extra
 * checks, a performance.measure per component render) costs the dashboard several times the CPU
 * per frame — CPU the pipeline's workers share.
 */
process.env['NODE_ENV'] ??= 'production';
