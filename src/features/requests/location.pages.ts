import type { Request, RequestHandler, Response } from 'express';
import { moduleConfig } from '../../config.ts';
import type { Deps } from '../../deps.ts';
import type { FieldError } from '../../lib/errors.ts';
import { formFields, presentErrors } from '../../lib/form.ts';
import { parseForm } from '../../lib/forms.ts';
import { pick } from '../../lib/localized.ts';
import { PERMISSIONS, permissionsPolicy } from '../../middleware/security-headers.ts';
import type { Services } from '../../services.ts';
import { CATEGORY_GROUPS, listActiveCategories } from './categories.repository.ts';
import { mapSettingsOf, requestsConfig } from './requests.config.ts';
import { locationSchema } from './requests.schemas.ts';

/** The first step of a new request: where (an address and/or a point) and what about. */

const LOCATION_PERMISSIONS = permissionsPolicy({ ...PERMISSIONS, geolocation: ['self'] });

/** The form's fields in the order the page shows them: the error summary follows it. */
const LOCATION_FIELDS = ['address', 'lat', 'lng', 'category'] as const;

/** Where a field comes on the page; anything else (none today) after them. */
const rank = (field: string) => {
  const at = (LOCATION_FIELDS as readonly string[]).indexOf(field);
  return at < 0 ? LOCATION_FIELDS.length : at;
};

/** The errors in the form's order (the schema finds "where?" after the fields' own errors). */
const inFormOrder = (errors: FieldError[]) =>
  [...errors].sort((a, b) => rank(a.field) - rank(b.field));

async function categoryGroups(deps: Deps, req: Request) {
  const categories = await listActiveCategories(deps.db);
  return CATEGORY_GROUPS.map((group) => ({
    label: req.t(`requests.groups.${group}`),
    options: categories
      .filter((c) => c.group_key === group)
      .map((c) => ({ value: String(c.id), text: pick(c.name, req.lang) })),
  })).filter((group) => group.options.length);
}

async function renderLocation(
  deps: Deps,
  req: Request,
  res: Response,
  values: Record<string, string>,
  errors: FieldError[] = [],
): Promise<void> {
  // "Use my location" asks the browser where it is: this page alone may (security-headers.ts).
  res.setHeader('Permissions-Policy', LOCATION_PERMISSIONS);
  res.status(errors.length ? 400 : 200).render('requests/views/new', {
    pageTitle: req.t('requests.new.title'),
    groups: await categoryGroups(deps, req),
    values,
    map: mapSettingsOf(deps.config),
    bounds: moduleConfig(deps.config, requestsConfig).REQUESTS_BOUNDING_BOX,
    ...presentErrors(req, inFormOrder(errors)),
  });
}

export function locationPage(deps: Deps): RequestHandler {
  return async (req, res) => {
    const draft = req.session.requestDraft;
    await renderLocation(deps, req, res, {
      address: draft?.address ?? '',
      lat: draft?.lat?.toString() ?? '',
      lng: draft?.lng?.toString() ?? '',
      category: draft ? String(draft.categoryId) : '',
    });
  };
}

export function saveLocation(deps: Deps, requests: Services['requests']): RequestHandler {
  return async (req, res) => {
    const values = formFields(req.body, LOCATION_FIELDS);
    const parsed = parseForm(locationSchema, values);
    if (!parsed.ok) return renderLocation(deps, req, res, values, parsed.errors);
    const { address, lat, lng, category } = parsed.data;
    if (lat !== null && lng !== null && requests.outsideArea(lat, lng))
      return renderLocation(deps, req, res, values, [
        { field: 'lat', key: 'requests.errors.outside' },
      ]);
    if (!(await requests.categoryExists(category)))
      return renderLocation(deps, req, res, values, [
        { field: 'category', key: 'requests.errors.category' },
      ]);
    req.session.requestDraft = { address, lat, lng, categoryId: category };
    res.redirect(303, '/requests/new/similar');
  };
}
