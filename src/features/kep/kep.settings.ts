import type { Deps } from '../../deps.ts';
import type { SettingDefinition } from '../module.ts';
import { readSetting } from '../settings/settings.ts';
import type { BookingSettings } from './booking.service.ts';

/**
 * The ΚΕΠ's booking policy: kept in the settings table, changed by ΚΕΠ managers on
 * /staff/kep/settings (audited like every setting).
 */
export const KEP_SETTINGS: readonly SettingDefinition[] = [
  {
    key: 'kep.bufferMinutes',
    labelKey: 'kep.settings.bufferMinutes',
    hintKey: 'kep.settings.bufferMinutesHint',
    min: 0,
    max: 60,
    default: () => 10,
  },
  {
    key: 'kep.noticeMinutes',
    labelKey: 'kep.settings.noticeMinutes',
    hintKey: 'kep.settings.noticeMinutesHint',
    min: 0,
    max: 10_080,
    default: () => 120,
  },
  {
    key: 'kep.horizonDays',
    labelKey: 'kep.settings.horizonDays',
    hintKey: 'kep.settings.horizonDaysHint',
    min: 1,
    max: 180,
    default: () => 30,
  },
  {
    key: 'kep.firstReminderMinutes',
    labelKey: 'kep.settings.firstReminderMinutes',
    hintKey: 'kep.settings.firstReminderMinutesHint',
    min: 60,
    max: 10_080,
    default: () => 1440,
  },
  {
    key: 'kep.secondReminderMinutes',
    labelKey: 'kep.settings.secondReminderMinutes',
    hintKey: 'kep.settings.secondReminderMinutesHint',
    min: 5,
    max: 240,
    default: () => 30,
  },
  {
    key: 'kep.retentionDays',
    labelKey: 'kep.settings.retentionDays',
    hintKey: 'kep.settings.retentionDaysHint',
    min: 1,
    max: 365,
    default: () => 30,
  },
];

export interface KepSettings extends BookingSettings {
  firstReminderMinutes: number;
  secondReminderMinutes: number;
  retentionDays: number;
}

type SettingsDeps = Pick<Deps, 'modules' | 'db' | 'config' | 'contentCache'>;

/** Every ΚΕΠ setting's value now. */
export async function readKepSettings(deps: SettingsDeps): Promise<KepSettings> {
  const [
    bufferMinutes,
    noticeMinutes,
    horizonDays,
    firstReminderMinutes,
    secondReminderMinutes,
    retentionDays,
  ] = await Promise.all(KEP_SETTINGS.map((setting) => readSetting(deps, setting.key)));
  return {
    bufferMinutes: bufferMinutes!,
    noticeMinutes: noticeMinutes!,
    horizonDays: horizonDays!,
    firstReminderMinutes: firstReminderMinutes!,
    secondReminderMinutes: secondReminderMinutes!,
    retentionDays: retentionDays!,
  };
}
