import type { DemoAccount } from '../module.ts';

export const DEMO_ADMIN: DemoAccount = {
  role: 'admin',
  username: 'demo.admin',
  password: 'Harbour-Keys-Lantern-Gate-2026',
  fullName: 'Άννα Ξενάκη',
  email: 'demo.admin@example.gov.gr',
  phone: null,
  roles: ['admin'],
};
