// The editor features the session wires, in order. A feature module exports one Feature; add it here.
import type { Feature } from './types';

export const FEATURES: readonly Feature[] = [
];
