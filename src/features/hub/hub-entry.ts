import type { Router } from 'express';

/**
 * Who may use a service: anyone, a signed-in citizen, a citizen whose identity a clerk checked, or
 * one signed in with TaxisNet (the ΚΕΠ's video appointments).
 */
export type Access = 'public' | 'account' | 'verified' | 'taxisnet';

/** A service's card on the e-services hub. Each feature declares its own; the hub only lists them. */
export interface HubEntry {
  id: string;
  href: string;
  titleKey: string;
  descriptionKey: string;
  access: Access;
  /** Shown in the header navigation as well. */
  navKey?: string;
}

/** A router and its hub card, as a test plugs one in without a manifest (createApp's extraFeatures). */
export interface Feature {
  router: Router;
  hubEntry?: HubEntry;
}
