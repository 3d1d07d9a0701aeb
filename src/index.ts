// Public API of the `sluice` package.
export { SluiceError } from './errors.ts';
