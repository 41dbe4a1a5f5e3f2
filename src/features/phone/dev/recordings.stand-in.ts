import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { PhoneSettings } from '../phone.config.ts';

const SAMPLE_RATE = 8000;

/**
 * A short tone as a WAV file (PCM, 16-bit, mono, 8 kHz, as phone recordings are), its RIFF
 * header written out field by field.
 */
export function toneWav(seconds = 1.5, frequency = 440): Buffer {
  const samples = Math.round(SAMPLE_RATE * seconds);
  const dataBytes = samples * 2;
  const wav = Buffer.alloc(44 + dataBytes);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + dataBytes, 4);
  wav.write('WAVE', 8, 'ascii');
  wav.write('fmt ', 12, 'ascii');
  wav.writeUInt32LE(16, 16); // the size of the format chunk
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(SAMPLE_RATE, 24);
  wav.writeUInt32LE(SAMPLE_RATE * 2, 28); // bytes a second
  wav.writeUInt16LE(2, 32); // bytes a sample
  wav.writeUInt16LE(16, 34); // bits a sample
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < samples; i += 1) {
    // Faded in and out over 20 ms, so it starts and stops without a click.
    const fade = Math.min(1, i / 160, (samples - i) / 160);
    const value = Math.sin((2 * Math.PI * frequency * i) / SAMPLE_RATE) * 0.3 * fade;
    wav.writeInt16LE(Math.round(value * 32767), 44 + i * 2);
  }
  return wav;
}

const TONE = toneWav();

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** Whether an Authorization header carries HTTP Basic credentials equal to these. */
export function basicAuthMatches(header: string | undefined, user: string, password: string) {
  const match = /^Basic ([A-Za-z0-9+/=]{1,400})$/.exec(header ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1]!, 'base64').toString('utf8');
  return timingSafeEqual(digest(given), digest(`${user}:${password}`));
}

const RECORDING = /^RE[0-9a-f]{32}(\.wav)?$/i;

/**
 * GET /dev/phone/recordings/:sid: a stand-in for the provider's recordings (development only),
 * behind the same HTTP Basic auth (account SID and auth token), so the job that fetches a
 * request's recording can be tried without a provider. Every recording is the same short tone.
 */
export function recordingsStandIn(settings: PhoneSettings): RequestHandler {
  return (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    if (!basicAuthMatches(req.get('Authorization'), settings.accountSid, settings.authToken)) {
      res.setHeader('WWW-Authenticate', 'Basic realm="recordings", charset="UTF-8"');
      res.status(401).type('text').send('Unauthorized');
      return;
    }
    if (!RECORDING.test(String(req.params.sid))) {
      res.status(404).type('text').send('Not found');
      return;
    }
    res.status(200).type('audio/wav').send(TONE);
  };
}
