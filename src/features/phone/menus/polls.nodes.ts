import type { Nodes } from '../engine.ts';

/** Option polls: to be built. */
export const pollNodes: Nodes = {
  polls: {
    menu: 'polls',
    enter: (turn) => ({ go: 'main', say: [turn.t('phone.voice.common.notAnOption')] }),
    handle: () => ({ go: 'main' }),
  },
};
