import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Deps } from '../../deps.ts';
import { renderAtomFeed } from '../../lib/atom.ts';
import { formatDateTime } from '../../lib/format.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { presentErrors } from '../../lib/form.ts';
import { pick } from '../../lib/localized.ts';
import { listPublicEvents, type EventRow } from './requests.repository.ts';
import {
  findPublicPhoto,
  findPublicRequest,
  listPublicCategories,
  listPublicRequests,
  PUBLIC_EVENT_KINDS,
} from './public-list.repository.ts';
import {
  listHref,
  parseListQuery,
  presentListRow,
  presentPublicRequest,
  PUBLIC_LIST,
} from './public-list.present.ts';
import { mapSettingsOf } from './requests.config.ts';
import { formatReference, parseReference } from './reference.ts';

export const PUBLIC_PAGE_SIZE = 20;
const FEED_SIZE = 50;

/** The feed in the reader's language: a feed reader has no language cookie. */
const feedPath = (lang: string) => `${PUBLIC_LIST}/feed.atom${lang === 'en' ? '?lang=en' : ''}`;

/**
 * /requests/public: the known problems of the municipality, for anyone, without an account or
 * JavaScript: the requests the department made public (and only what they let be seen; see
 * public-list.repository.ts), filtered by category, status and area, a page at a time; each one on
 * its own page with its public timeline and approved photos; an Atom feed of the newest; a map
 * of the page's exact points where the portal has tiles (public-requests-map.mjs).
 */
export function createPublicListRouter(deps: Deps): Router {
  const router = Router();
  router.get(PUBLIC_LIST, listPage(deps));
  router.get(`${PUBLIC_LIST}/feed.atom`, feed(deps));
  router.get(`${PUBLIC_LIST}/:ref`, requestPage(deps));
  router.get(`${PUBLIC_LIST}/:ref/photos/:photo`, photo(deps));
  return router;
}

/** What both pages need to draw their map (nothing without tiles: a list, and no script). */
function mapView(deps: Deps) {
  return { map: mapSettingsOf(deps.config) };
}

function listPage(deps: Deps): RequestHandler {
  return async (req, res) => {
    const categories = await listPublicCategories(deps.db);
    const parsed = parseListQuery(req.query, new Set(categories.map((c) => c.slug)));
    if (parsed.page === undefined) throw new NotFoundError();
    const invalid = parsed.errors.length > 0;
    const result = invalid
      ? { rows: [], total: 0 }
      : await listPublicRequests(
          deps.db,
          parsed.filters,
          { size: PUBLIC_PAGE_SIZE, number: parsed.page },
          deps.clock.now(),
        );
    const pages = Math.max(1, Math.ceil(result.total / PUBLIC_PAGE_SIZE));
    // Past the last page there is nothing to show, and no such page.
    if (!invalid && parsed.page > pages) throw new NotFoundError();
    const filtered = Object.values(parsed.values).some(Boolean);
    const requests = result.rows.map((row) => presentListRow(req, row));
    res.status(invalid ? 400 : 200).render('requests/views/public-list', {
      pageTitle: req.t('requests.public.title'),
      values: parsed.values,
      ...presentErrors(req, parsed.errors),
      invalid,
      filtered,
      categories: categories.map((c) => ({ value: c.slug, text: pick(c.name, req.lang) })),
      total: result.total,
      page: parsed.page,
      pages,
      firstNumber: (parsed.page - 1) * PUBLIC_PAGE_SIZE + 1,
      pageHref: (page: number) => listHref(parsed.values, page),
      requests,
      // Street-only categories have no point: the map says why it has fewer markers.
      withoutPoint: requests.filter((item) => !item.point).length,
      feedUrl: feedPath(req.lang),
      feedTitle: req.t('requests.public.feed'),
      ...mapView(deps),
    });
  };
}

/** A timeline entry the public sees: what happened and when, with the department's note. */
function publicEvent(req: Request, event: EventRow) {
  return {
    what:
      event.kind === 'status' && event.status
        ? req.t('requests.events.statusTo', { status: req.t(`requests.status.${event.status}`) })
        : req.t(`requests.events.${event.kind}`),
    // A citizen's own words (a reopening's reason) are not the department's to publish.
    note: event.by_citizen ? '' : (event.public_note ?? ''),
    when: formatDateTime(event.created_at, req.lang),
    iso: event.created_at.toISOString(),
  };
}

function requestPage(deps: Deps): RequestHandler {
  return async (req, res) => {
    const ref = parseReference(req.params.ref);
    const row = ref && (await findPublicRequest(deps.db, ref, deps.clock.now()));
    if (!row) throw new NotFoundError();
    const kinds: readonly string[] = PUBLIC_EVENT_KINDS;
    const events = (await listPublicEvents(deps.db, row.id)).filter((e) => kinds.includes(e.kind));
    const request = presentPublicRequest(req, row);
    res.render('requests/views/public-request', {
      pageTitle: `${request.display}: ${request.title}`,
      breadcrumbs: [{ href: PUBLIC_LIST, text: req.t('requests.public.title') }],
      // The citizen's own words: public by the same decision that made the request public.
      request: { ...request, description: erasedInThisLanguage(deps, req, row.description) },
      events: events.map((event) => publicEvent(req, event)),
      feedUrl: feedPath(req.lang),
      feedTitle: req.t('requests.public.feed'),
      ...mapView(deps),
    });
  };
}

/** An approved photo of a request on the list; any other address is 404. */
function photo(deps: Deps): RequestHandler {
  return async (req, res) => {
    const ref = parseReference(req.params.ref);
    const id = /^[1-9]\d{0,17}$/.test(String(req.params.photo)) ? Number(req.params.photo) : 0;
    const found = ref && id ? await findPublicPhoto(deps.db, ref, id, deps.clock.now()) : undefined;
    if (!found) throw new NotFoundError();
    // Briefly: an approval withdrawn (or the request made private) should not linger in caches.
    res.set('Cache-Control', 'public, max-age=300');
    res.type('image/jpeg').sendFile(deps.documents.pathOf(found.file), { dotfiles: 'allow' });
  };
}

/** The newest public requests as an Atom feed (the first entries of the unfiltered list). */
function feed(deps: Deps): RequestHandler {
  return async (req: Request, res: Response) => {
    const { rows } = await listPublicRequests(
      deps.db,
      {},
      { size: FEED_SIZE, number: 1 },
      deps.clock.now(),
    );
    const { baseUrl } = deps.config;
    const query = req.lang === 'en' ? '?lang=en' : '';
    const municipality =
      req.lang === 'en' ? deps.config.MUNICIPALITY_NAME_EN : deps.config.MUNICIPALITY_NAME_EL;
    res.type('application/atom+xml; charset=utf-8');
    res.send(
      renderAtomFeed({
        lang: req.lang,
        title: req.t('requests.public.feedTitle', { name: municipality }),
        selfUrl: `${baseUrl}${feedPath(req.lang)}`,
        alternateUrl: `${baseUrl}${PUBLIC_LIST}${query}`,
        entries: rows.map((row) => {
          const item = presentPublicRequest(req, row);
          const url = `${baseUrl}${PUBLIC_LIST}/${formatReference(row).url}`;
          return {
            id: url,
            title: `${item.display}: ${item.title}`,
            href: url + query,
            updated: row.updated_at,
            published: row.created_at,
            category: { term: row.category_slug, label: item.category },
            summary: [item.category, item.area, item.status].filter(Boolean).join(' · '),
          };
        }),
      }),
    );
  };
}

/**
 * An erased citizen's description is a marker stored in the request's language
 * (requests.erasure.text); shown in the reader's.
 */
function erasedInThisLanguage(deps: Deps, req: Request, description: string): string {
  const markers = (['el', 'en'] as const).map((lang) => deps.i18n.t(lang)('requests.erasure.text'));
  return markers.includes(description) ? req.t('requests.erasure.text') : description;
}
