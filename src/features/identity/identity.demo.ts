import type { DemoAccount } from '../module.ts';

export const DEMO_CLERK: DemoAccount = {
  role: 'clerk',
  username: 'demo.clerk',
  password: 'Counter-Window-Stamp-Ink-2026',
  fullName: 'Κώστας Δασκαλάκης',
  email: 'demo.clerk@example.gov.gr',
  phone: null,
  roles: ['clerk'],
};
