import { XMLBuilder } from 'fast-xml-parser';
import type { Lang } from '../../lib/localized.ts';

/** One spoken sentence, in a language, with the voice configured for it. */
export interface Speech {
  text: string;
  lang: Lang;
}

/** What a step answers: sentences, then one of a keypad question, a recording, or the end. */
export type Verb =
  | { say: Speech }
  | { pause: number }
  | {
      gather: {
        action: string;
        /** The digits to wait for (the answer ends sooner on `finishOnKey`). */
        numDigits?: number;
        finishOnKey?: string;
        /** Seconds of silence before the provider gives up and goes on to the next verb. */
        timeout: number;
        say: Speech[];
      };
    }
  | { record: { action: string; maxLength: number; timeout: number; finishOnKey: string } }
  | { redirect: string }
  | { hangup: true };

const LANGUAGE: Record<Lang, string> = { el: 'el-GR', en: 'en-GB' };

type XmlNode = Record<string, unknown>;

const element = (name: string, attributes: Record<string, string>, children: XmlNode[] = []) => ({
  [name]: children,
  ':@': Object.fromEntries(Object.entries(attributes).map(([key, value]) => [`@_${key}`, value])),
});

const text = (value: string): XmlNode => ({ '#text': value });

const builder = new XMLBuilder({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: true,
  processEntities: true,
});

/**
 * TwiML (the provider's XML of verbs), built as a tree and written by fast-xml-parser's builder,
 * which escapes every text and attribute: a poll's question or a category's name is spoken, never
 * read as markup.
 */
export function twiml(verbs: readonly Verb[], voices: Record<Lang, string>): string {
  const say = (speech: Speech) =>
    element('Say', { voice: voices[speech.lang], language: LANGUAGE[speech.lang] }, [
      text(speech.text),
    ]);
  const children = verbs.map((verb): XmlNode => {
    if ('say' in verb) return say(verb.say);
    if ('pause' in verb) return element('Pause', { length: String(verb.pause) });
    if ('gather' in verb) {
      const { action, numDigits, finishOnKey, timeout } = verb.gather;
      return element(
        'Gather',
        {
          input: 'dtmf',
          action,
          method: 'POST',
          timeout: String(timeout),
          ...(numDigits ? { numDigits: String(numDigits) } : {}),
          ...(finishOnKey !== undefined ? { finishOnKey } : {}),
        },
        verb.gather.say.map(say),
      );
    }
    if ('record' in verb) {
      const { action, maxLength, timeout, finishOnKey } = verb.record;
      return element('Record', {
        action,
        method: 'POST',
        maxLength: String(maxLength),
        timeout: String(timeout),
        finishOnKey,
        playBeep: 'true',
        trim: 'trim-silence',
      });
    }
    if ('redirect' in verb) return element('Redirect', { method: 'POST' }, [text(verb.redirect)]);
    return element('Hangup', {});
  });
  const declaration = '<?xml version="1.0" encoding="UTF-8"?>';
  return declaration + (builder.build([{ Response: children }]) as string);
}
