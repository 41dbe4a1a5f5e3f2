import type { RequestHandler } from 'express';
import type { Config } from '../config.ts';
import type { HubEntry } from '../features/hub/hub-entry.ts';
import { athensDate, athensDateTime } from '../lib/format.ts';
import { languageUrl } from './language.ts';

/** What every page's layout needs: the municipality (from config), the navigation, the current path. */
export function siteLocals(config: Config, hubEntries: readonly HubEntry[]): RequestHandler {
  const navigation = hubEntries.filter((entry) => entry.navKey);
  return (req, res, next) => {
    const lang = req.lang;
    res.locals.site = {
      name: lang === 'en' ? config.MUNICIPALITY_NAME_EN : config.MUNICIPALITY_NAME_EL,
      website: config.MUNICIPALITY_WEBSITE,
      brandColour: config.MUNICIPALITY_BRAND_COLOUR,
      logoUrl: config.MUNICIPALITY_LOGO_URL,
      contactEmail: config.CONTACT_EMAIL,
      contactPhone: config.CONTACT_PHONE,
      officeAddress: lang === 'en' ? config.OFFICE_ADDRESS_EN : config.OFFICE_ADDRESS_EL,
      officeHours: lang === 'en' ? config.OFFICE_HOURS_EN : config.OFFICE_HOURS_EL,
    };
    res.locals.navigation = navigation;
    res.locals.currentPath = req.path;
    // For search engines: this page in each language, and the one that lets the visitor choose.
    res.locals.languageAlternates = [
      { hreflang: 'el', href: config.baseUrl + languageUrl(req.originalUrl, 'el') },
      { hreflang: 'en', href: config.baseUrl + languageUrl(req.originalUrl, 'en') },
      { hreflang: 'x-default', href: config.baseUrl + languageUrl(req.originalUrl, undefined) },
    ];
    res.locals.errors = [];
    // Stored instants are UTC; people read them on Athens' clock.
    res.locals.athensDate = athensDate;
    res.locals.athensDateTime = athensDateTime;
    next();
  };
}
