// The editor features the session wires, in order. A feature module exports one Feature; add it here.
import type { Feature } from './types';
import { symbolsFeature } from './symbols';
import { foldingFeature } from './folding';
import { definitionFeature } from './definition';
import { previewFeature } from './preview';
import { codeLensFeature } from './code-lens';
import { completionFeature } from './completion';
import { hoverFeature } from './hover';

export const FEATURES: readonly Feature[] = [
  previewFeature,
  codeLensFeature,
  symbolsFeature,
  foldingFeature,
  definitionFeature,
  completionFeature,
  hoverFeature,
];
