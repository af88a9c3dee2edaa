/**
 * React's production build for the dashboard's rows, as the `pipeline-tui` bin chooses it
 * (src/cli/main.ts) unless the user set NODE_ENV: imported first, so it is set before React loads.
 * Without it the rows measured the development build, several times the CPU per frame.
 */
process.env.NODE_ENV ??= 'production';
