// The public list's map, an enhancement: the page's requests that show their exact point (the
// elements marked data-lat/data-lng) as markers on the municipality's map, each opening a popup
// that links to the request. Leaflet is served from our own origin; the list (or the request's
// page) stays the content without this script. Settings and strings: #public-requests-map.

const container = document.getElementById('public-requests-map');
if (container) draw(container).catch(() => container.remove());

async function draw(container) {
  const text = container.dataset;
  const points = [...document.querySelectorAll('[data-lat][data-lng]')]
    .map((element) => ({
      element,
      lat: Number(element.dataset.lat),
      lng: Number(element.dataset.lng),
    }))
    .filter((point) => Number.isFinite(point.lat) && Number.isFinite(point.lng));
  if (!points.length) return container.remove();

  await stylesheet(text.leafletCss);
  await import(text.leafletScript);
  const L = window.L;
  const [south, west, north, east] = text.bounds.split(',').map(Number);
  const box = L.latLngBounds([south, west], [north, east]);

  container.hidden = false;
  container.setAttribute('role', 'region');
  container.setAttribute('aria-label', text.mapLabel);
  // Set through the DOM, which the CSP allows (it refuses style attributes in the markup).
  container.style.height = '20rem';
  container.style.marginBottom = '20px';
  container.style.border = '1px solid #b1b4b6';

  const map = L.map(container, { maxBounds: box, maxBoundsViscosity: 1, zoomControl: false });
  L.control.zoom({ zoomInTitle: text.zoomIn, zoomOutTitle: text.zoomOut }).addTo(map);
  L.tileLayer(text.tiles, { attribution: text.attribution, maxZoom: 19 }).addTo(map);
  const icon = L.icon({
    iconUrl: text.markerIcon,
    iconRetinaUrl: text.markerIcon2x,
    shadowUrl: text.markerShadow,
    iconSize: [25, 41],
    iconAnchor: [12, 41],
    popupAnchor: [1, -34],
    shadowSize: [41, 41],
  });
  for (const point of points) {
    // The request's own link (a list item's heading) or, on its page, its title.
    const link = point.element.querySelector('a');
    const label = (link ?? point.element).textContent.trim();
    const marker = L.marker([point.lat, point.lng], { icon, alt: label, title: label });
    if (link) {
      const popup = document.createElement('a');
      popup.className = 'govuk-link';
      popup.href = link.href;
      popup.textContent = label;
      marker.bindPopup(popup);
    }
    marker.addTo(map);
  }
  const inside = points.filter((p) => box.contains([p.lat, p.lng]));
  if (inside.length === 1) map.setView([inside[0].lat, inside[0].lng], 16);
  else if (inside.length) map.fitBounds(L.latLngBounds(inside.map((p) => [p.lat, p.lng])).pad(0.2));
  else map.fitBounds(box);
}

function stylesheet(href) {
  return new Promise((resolve, reject) => {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = href;
    link.addEventListener('load', resolve);
    link.addEventListener('error', reject);
    document.head.append(link);
  });
}
