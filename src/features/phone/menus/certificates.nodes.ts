import type { Nodes } from '../engine.ts';

/** Option certificates: to be built. */
export const certificateNodes: Nodes = {
  certificates: {
    menu: 'certificates',
    enter: (turn) => ({ go: 'main', say: [turn.t('phone.voice.common.notAnOption')] }),
    handle: () => ({ go: 'main' }),
  },
};
