// The ΚΕΠ video room, with Jitsi Meet's iframe API loaded from the municipality's own server
// (the page's CSP allows exactly that host). Without JavaScript the page keeps its plain links.
//
// Citizen and invited helper: the camera and microphone are checked first, then "Join the call"
// embeds the room here (they wait in the lobby); a "sound only" button of their own turns their
// camera off and on; the page polls the call's state and says when the clerk chose sound only or
// the call ended. Clerk (the console): enters at once as the room's owner, turns the lobby on,
// admits an invited helper by name, mutes everyone's video when the call goes sound only, and
// sends the console's forms in the background so the call is not interrupted.

const POLL_MS = 5000;

const section = document.querySelector('[data-kep-room]');
if (section) start(section);

function start(section) {
  const options = JSON.parse(section.getAttribute('data-options'));
  const role = section.getAttribute('data-role');
  const status = section.querySelector('[data-kep-room-status]');
  const frame = section.querySelector('[data-kep-room-frame]');
  const fallback = section.querySelector('[data-kep-room-fallback]');
  const links = [...section.querySelectorAll('[data-kep-room-link]')];
  const soundOnly = section.querySelector('[data-kep-sound-only]');
  const text = (name) => section.getAttribute(`data-text-${name}`) ?? '';
  const say = (name) => {
    status.textContent = text(name);
  };
  let api;
  let videoMuted = false;
  /** Participants knocking at the lobby, by display name (the clerk admits helpers by name). */
  const knocking = new Map();

  const enter = (audioOnly) => {
    if (api) return;
    for (const link of links) link.hidden = true;
    if (fallback) fallback.hidden = true;
    frame.hidden = false;
    const configOverwrite = audioOnly
      ? { ...options.config, startAudioOnly: true }
      : options.config;
    api = new window.JitsiMeetExternalAPI(options.domain, {
      roomName: options.room,
      jwt: options.jwt,
      parentNode: frame,
      width: '100%',
      height: '100%',
      noSSL: options.noSSL,
      configOverwrite,
      interfaceConfigOverwrite: { SHOW_JITSI_WATERMARK: false },
      userInfo: { displayName: options.displayName, email: options.email },
    });
    videoMuted = Boolean(audioOnly);
    api.addListener('videoMuteStatusChanged', (event) => {
      videoMuted = Boolean(event && event.muted);
      if (soundOnly) soundOnly.textContent = text(videoMuted ? 'video' : 'sound-only');
    });
    api.addListener('readyToClose', () => {
      api.dispose();
      frame.hidden = true;
      if (soundOnly) soundOnly.hidden = true;
      say('ended');
    });
    if (role === 'clerk') {
      api.addListener('videoConferenceJoined', () => {
        api.executeCommand('toggleLobby', true);
        if (section.hasAttribute('data-audio-only')) api.executeCommand('muteEveryone', 'video');
      });
      api.addListener('knockingParticipant', (event) => {
        const participant = event && event.participant;
        if (participant && participant.name) knocking.set(participant.name, participant.id);
      });
    } else {
      say('joined');
      if (soundOnly) {
        soundOnly.hidden = false;
        soundOnly.textContent = text(videoMuted ? 'video' : 'sound-only');
      }
      if (section.hasAttribute('data-state-url')) poll(section.getAttribute('data-state-url'));
    }
  };

  // The citizen's own camera switch: video is by their consent; sound stays on.
  if (soundOnly)
    soundOnly.addEventListener('click', () => {
      if (api) api.executeCommand('toggleVideo');
      else enter(true);
    });

  let toldAudioOnly = false;
  const poll = (url) => {
    const check = async () => {
      try {
        const response = await fetch(url, {
          credentials: 'same-origin',
          headers: { accept: 'application/json' },
        });
        if (response.ok) {
          const state = await response.json();
          if (state.stage !== 'open') {
            // The call ended (or the identity could not be confirmed): the page says why.
            if (api) api.executeCommand('hangup');
            window.location.reload();
            return;
          }
          if (state.audioOnly && !toldAudioOnly) {
            toldAudioOnly = true;
            say('audio-only-set');
            if (api && !videoMuted) api.executeCommand('toggleVideo');
            // The clerk chose sound only for everyone: no camera switch to offer any more.
            if (soundOnly) soundOnly.hidden = true;
          }
        }
      } catch {
        // A missed poll is retried: the call itself does not depend on it.
      }
      window.setTimeout(check, POLL_MS);
    };
    window.setTimeout(check, POLL_MS);
  };

  if (role === 'clerk') consoleForms(() => api, knocking);

  loadScript(options.scriptUrl).then(
    async () => {
      if (role === 'clerk') return enter(false);
      if (fallback) fallback.hidden = true;
      for (const link of links)
        link.addEventListener('click', (event) => {
          event.preventDefault();
          enter(link.id === 'room-link-audio');
        });
      await checkDevices(say);
    },
    () => say('not-loaded'),
  );
}

/** Jitsi's external_api.js, from the server itself (never a copy of ours). */
function loadScript(src) {
  if (window.JitsiMeetExternalAPI) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.async = true;
    script.addEventListener('load', () =>
      window.JitsiMeetExternalAPI ? resolve() : reject(new Error('no api')),
    );
    script.addEventListener('error', reject);
    document.head.append(script);
  });
}

/** Asks for the camera and microphone once, says what works, and lets them go again. */
async function checkDevices(say) {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return say('device-none');
  say('checking');
  const stop = (stream) => stream.getTracks().forEach((track) => track.stop());
  try {
    stop(await navigator.mediaDevices.getUserMedia({ audio: true, video: true }));
    say('device-ok');
  } catch {
    try {
      stop(await navigator.mediaDevices.getUserMedia({ audio: true }));
      say('device-mic-only');
    } catch {
      say('device-none');
    }
  }
}

/**
 * The console's forms (identity check, sound only, helpers, outcome) are sent in the background
 * and only their sections are replaced, so the room's frame (and the call) stays up.
 */
function consoleForms(getApi, knocking) {
  document.addEventListener('submit', async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-kep-console-form')) return;
    event.preventDefault();
    const submitter = event.submitter;
    const admitName = submitter && submitter.getAttribute('data-kep-admit-name');
    const api = getApi();
    if (admitName && api && knocking.has(admitName)) {
      api.executeCommand('answerKnockingParticipant', knocking.get(admitName), true);
      knocking.delete(admitName);
    }
    const data = new FormData(form);
    const multipart = form.enctype === 'multipart/form-data';
    let response;
    try {
      response = await fetch(form.action, {
        method: 'POST',
        credentials: 'same-origin',
        body: multipart ? data : new URLSearchParams(data),
      });
    } catch {
      form.submit();
      return;
    }
    // Anything but the console again (a session that expired, a refused form): the browser
    // sends the form itself and shows the server's own page.
    if (!response.ok && response.status !== 400 && response.status !== 409) {
      form.submit();
      return;
    }
    const page = new DOMParser().parseFromString(await response.text(), 'text/html');
    swapMessages(page);
    for (const fresh of page.querySelectorAll('[data-kep-swap][id]')) {
      const current = document.getElementById(fresh.id);
      if (current) current.replaceWith(document.importNode(fresh, true));
    }
    if (api && document.querySelector('[data-kep-audio-only]'))
      api.executeCommand('muteEveryone', 'video');
    // The identity could not be confirmed, or the outcome is recorded: the call is over.
    if (api && document.querySelector('.app-kep-identity--not_confirmed, #outcome-recorded'))
      api.executeCommand('hangup');
    const focus = document.querySelector('.govuk-error-summary, .govuk-notification-banner');
    if (focus) focus.focus();
  });
}

/** The new page's notice or error summary replaces the current one at the top of main. */
function swapMessages(page) {
  const main = document.getElementById('main-content');
  if (!main) return;
  for (const old of main.querySelectorAll(
    ':scope > .govuk-error-summary, :scope > .govuk-notification-banner',
  ))
    old.remove();
  const fresh = page.querySelectorAll(
    '#main-content > .govuk-error-summary, #main-content > .govuk-notification-banner',
  );
  for (const message of [...fresh].reverse()) {
    const node = document.importNode(message, true);
    node.setAttribute('tabindex', '-1');
    main.prepend(node);
  }
}
