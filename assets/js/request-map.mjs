// The first step of a new request, enhanced: a "use my location" button and, when the portal has
// a tile server, a map (Leaflet, served from our own origin) that fills the latitude and longitude
// fields. The fields stay the way to give a point without a mouse or without this script; typing
// in them moves the map's marker. Settings and strings come from #location-tools (new.ejs).

const tools = document.getElementById('location-tools');
const fields = { lat: document.getElementById('lat'), lng: document.getElementById('lng') };
if (tools && fields.lat && fields.lng) enhance(tools);

function enhance(tools) {
  const text = tools.dataset;
  const [south, west, north, east] = text.bounds.split(',').map(Number);
  const inside = (lat, lng) => lat >= south && lat <= north && lng >= west && lng <= east;
  const status = document.createElement('p');
  status.className = 'govuk-body app-location-tools__status';
  status.setAttribute('role', 'status');
  const say = (message) => {
    status.textContent = message;
  };
  // What the map does when the fields or the browser's location give a point.
  const listeners = [];
  /** The point typed in the fields, or null while they are not one inside the municipality. */
  const typedPoint = () => {
    const [lat, lng] = [fields.lat.value, fields.lng.value].map((value) =>
      /^\s*-?\d{1,3}([.,]\d+)?\s*$/.test(value) ? Number(value.trim().replace(',', '.')) : NaN,
    );
    return Number.isFinite(lat) && Number.isFinite(lng) && inside(lat, lng) ? { lat, lng } : null;
  };
  // A point typed inside the municipality answers an earlier message (say, "outside the
  // municipality" from a click): it no longer holds, so it goes. Nothing is announced per keystroke.
  const typed = () => {
    if (typedPoint()) say('');
  };
  fields.lat.addEventListener('input', typed);
  fields.lng.addEventListener('input', typed);

  /** Fills the fields (6 decimals: about 10 cm) and tells screen readers what was chosen. */
  function choose(lat, lng) {
    if (!inside(lat, lng)) {
      say(text.outside);
      return false;
    }
    fields.lat.value = String(Math.round(lat * 1e6) / 1e6);
    fields.lng.value = String(Math.round(lng * 1e6) / 1e6);
    say(
      text.pointChosen
        .replace('{{latitude}}', fields.lat.value)
        .replace('{{longitude}}', fields.lng.value),
    );
    for (const listener of listeners) listener(Number(fields.lat.value), Number(fields.lng.value));
    return true;
  }

  if (text.tiles) {
    const map = document.createElement('div');
    tools.append(map);
    drawMap(map, text, { choose, listeners, typedPoint }).catch(() => {
      // No map (the script or its stylesheet did not load): the fields are enough.
      map.remove();
    });
  }
  const geolocation = window.navigator.geolocation;
  const policy = document.permissionsPolicy ?? document.featurePolicy;
  if (geolocation && (!policy || policy.allowsFeature('geolocation'))) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'govuk-button govuk-button--secondary';
    button.textContent = text.useMyLocation;
    button.addEventListener('click', () => {
      say(text.locating);
      geolocation.getCurrentPosition(
        (position) => choose(position.coords.latitude, position.coords.longitude),
        () => say(text.locationFailed),
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 0 },
      );
    });
    tools.append(button);
  }
  tools.append(status);
  tools.hidden = false;
}

async function drawMap(container, text, { choose, listeners, typedPoint }) {
  await stylesheet(text.leafletCss);
  await import(text.leafletScript);
  const L = window.L;
  const [south, west, north, east] = text.bounds.split(',').map(Number);
  const box = L.latLngBounds([south, west], [north, east]);

  container.id = 'location-map';
  container.className = 'app-location-map';
  container.setAttribute('role', 'region');
  container.setAttribute('aria-label', `${text.mapLabel}. ${text.mapKeys}`);
  // Set through the DOM, which the CSP allows (it refuses style attributes in the markup).
  container.style.height = '24rem';
  container.style.marginBottom = '15px';
  container.style.border = '1px solid #b1b4b6';

  const map = L.map(container, {
    maxBounds: box,
    maxBoundsViscosity: 1,
    keyboard: true,
    zoomControl: false,
  });
  L.control.zoom({ zoomInTitle: text.zoomIn, zoomOutTitle: text.zoomOut }).addTo(map);
  map.fitBounds(box);
  map.setMinZoom(map.getZoom());
  L.tileLayer(text.tiles, { attribution: text.attribution, maxZoom: 19 }).addTo(map);

  const icon = L.icon({
    iconUrl: text.markerIcon,
    iconRetinaUrl: text.markerIcon2x,
    shadowUrl: text.markerShadow,
    iconSize: [25, 41],
    iconAnchor: [12, 41],
    shadowSize: [41, 41],
  });
  let marker = null;
  const place = (lat, lng) => {
    if (!marker) {
      marker = L.marker([lat, lng], { icon, alt: text.markerLabel, draggable: true });
      marker.on('dragend', () => {
        const point = marker.getLatLng();
        if (!choose(point.lat, point.lng))
          place(Number(fields.lat.value), Number(fields.lng.value));
      });
      marker.addTo(map);
    } else marker.setLatLng([lat, lng]);
  };
  const unplace = () => {
    marker?.remove();
    marker = null;
  };
  listeners.push((lat, lng) => {
    place(lat, lng);
    if (!map.getBounds().contains([lat, lng])) map.panTo([lat, lng]);
  });

  map.on('click', (event) => choose(event.latlng.lat, event.latlng.lng));
  // Leaflet's keyboard handler moves and zooms the map; Enter or Space chooses its centre.
  container.addEventListener('keydown', (event) => {
    if (event.target !== container || (event.key !== 'Enter' && event.key !== ' ')) return;
    event.preventDefault();
    const centre = map.getCenter();
    choose(centre.lat, centre.lng);
  });
  // Typing coordinates moves the marker (once both are a point inside the municipality).
  const follow = () => {
    const point = typedPoint();
    if (point) {
      place(point.lat, point.lng);
      map.panTo([point.lat, point.lng]);
    } else unplace();
  };
  fields.lat.addEventListener('input', follow);
  fields.lng.addEventListener('input', follow);
  follow();

  const hint = document.getElementById('coordinates-hint');
  if (hint) hint.textContent = text.mapHint;
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
