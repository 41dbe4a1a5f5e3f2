import type { DemoAccount } from '../module.ts';

/** A citizen with an activated account, and one whose identity a clerk has checked. */
export const DEMO_CITIZENS: readonly DemoAccount[] = [
  {
    role: 'citizen',
    username: 'demo.citizen',
    password: 'Olive-Harbour-Breeze-26',
    fullName: 'Μαρία Παπαδάκη',
    email: 'demo.citizen@example.gr',
    phone: '+306900000101',
    pin: '246810',
    roles: [],
  },
  {
    role: 'verified citizen',
    username: 'demo.verified',
    password: 'Cretan-Sun-Lighthouse-26',
    fullName: 'Γιώργος Μανωλάκης',
    email: 'demo.verified@example.gr',
    phone: '+306900000102',
    pin: '135790',
    roles: [],
    identityCheck: { afm: '102938470', documentNumber: 'ΑΚ123456' },
  },
];
