import type { DemoAccount } from '../module.ts';

export const DEMO_FINANCE: DemoAccount = {
  role: 'finance',
  username: 'demo.finance',
  password: 'Ledger-Receipt-Stamp-Harbour-2026',
  fullName: 'Ελένη Σηφάκη',
  email: 'demo.finance@example.gov.gr',
  phone: null,
  roles: ['finance'],
};
