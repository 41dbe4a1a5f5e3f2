import { setTimeout as sleep } from 'node:timers/promises';
import type request from 'supertest';

/** One request a lane sent, and what came back (status 0: no answer within the deadline). */
export interface Sample {
  lane: string;
  method: string;
  path: string;
  /** performance.now() when it was sent and when its answer (or failure) came. */
  startedAt: number;
  endedAt: number;
  ms: number;
  status: number;
  error?: string;
  headers: Record<string, string | undefined>;
  body: string;
  /** What the lane wants to know about it later (the value a write saved). */
  tag?: string;
}

export interface LaneStep {
  method: string;
  path: string;
  test: request.Test;
  tag?: string;
}

/** A visitor who sends one request after another: `step(n)` builds the n-th. */
export interface Lane {
  name: string;
  step: (n: number) => LaneStep;
  /** The pause between two requests (ms). */
  pauseMs: number;
}

export interface Load {
  samples: Sample[];
  /** Lets each lane finish its request in flight, then stops them. */
  stop: () => Promise<void>;
}

/**
 * Lanes of visitors sending requests side by side until stopped, every request timed. A request
 * gets up to `deadlineMs` to answer: one that takes longer is a hang, recorded as status 0.
 */
export function startLoad(lanes: readonly Lane[], deadlineMs: number): Load {
  const samples: Sample[] = [];
  let running = true;
  const runLane = async (lane: Lane) => {
    for (let n = 1; running; n += 1) {
      const { method, path, test, tag } = lane.step(n);
      const startedAt = performance.now();
      const sample = await test
        .timeout(deadlineMs)
        .redirects(0)
        .then(
          (res) => ({
            status: res.status,
            headers: res.headers as Record<string, string | undefined>,
            body: typeof res.text === 'string' ? res.text : '',
          }),
          (error: Error) => ({ status: 0, error: error.message, headers: {}, body: '' }),
        );
      const endedAt = performance.now();
      samples.push({
        lane: lane.name,
        method,
        path,
        startedAt,
        endedAt,
        ms: endedAt - startedAt,
        ...sample,
        ...(tag === undefined ? {} : { tag }),
      });
      await sleep(lane.pauseMs);
    }
  };
  const done = Promise.all(lanes.map(runLane));
  return {
    samples,
    stop: async () => {
      running = false;
      await done;
    },
  };
}
