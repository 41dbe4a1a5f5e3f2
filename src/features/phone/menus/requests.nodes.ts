import type { Nodes } from '../engine.ts';

/** Option requests: to be built. */
export const requestNodes: Nodes = {
  requests: {
    menu: 'requests',
    enter: (turn) => ({ go: 'main', say: [turn.t('phone.voice.common.notAnOption')] }),
    handle: () => ({ go: 'main' }),
  },
};
