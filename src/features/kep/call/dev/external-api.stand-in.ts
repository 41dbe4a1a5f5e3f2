/**
 * The stand-in's `external_api.js`: the part of Jitsi Meet's iframe API the portal uses
 * (`new JitsiMeetExternalAPI(domain, options)`, executeCommand, addListener/on, dispose,
 * getIFrame), building the room's address as the real one does (token in the query, config
 * overrides in the hash). It keeps what it was asked in `window.jitsiStandIn` for tests, and
 * `knock(name)` lets a developer play a participant knocking at the lobby.
 */
export const STAND_IN_EXTERNAL_API = `(function () {
  'use strict';
  function overrides(object, prefix, out) {
    Object.keys(object || {}).forEach(function (key) {
      var value = object[key];
      if (value !== null && typeof value === 'object' && !Array.isArray(value))
        overrides(value, prefix + '.' + key, out);
      else out.push(prefix + '.' + key + '=' + encodeURIComponent(JSON.stringify(value)));
    });
    return out;
  }
  function JitsiMeetExternalAPI(domain, options) {
    options = options || {};
    this.domain = domain;
    this.options = options;
    this.commands = [];
    this.listeners = {};
    this.videoMuted = Boolean(options.configOverwrite && options.configOverwrite.startAudioOnly);
    var hash = overrides(options.configOverwrite, 'config', []);
    if (options.userInfo && options.userInfo.displayName)
      hash.push('userInfo.displayName=' + encodeURIComponent(JSON.stringify(options.userInfo.displayName)));
    var url = (options.noSSL ? 'http' : 'https') + '://' + domain + '/' + encodeURIComponent(options.roomName || '') +
      (options.jwt ? '?jwt=' + encodeURIComponent(options.jwt) : '') + (hash.length ? '#' + hash.join('&') : '');
    var frame = document.createElement('iframe');
    frame.src = url;
    frame.allow = 'camera; microphone; display-capture; autoplay';
    frame.title = 'Jitsi Meet';
    frame.style.width = typeof options.width === 'number' ? options.width + 'px' : options.width || '100%';
    frame.style.height = typeof options.height === 'number' ? options.height + 'px' : options.height || '100%';
    frame.style.border = '0';
    (options.parentNode || document.body).appendChild(frame);
    this.frame = frame;
    var api = this;
    frame.addEventListener('load', function () {
      api.emit('videoConferenceJoined', { roomName: options.roomName, id: 'stand-in',
        displayName: options.userInfo && options.userInfo.displayName });
    });
    (window.jitsiStandIn = window.jitsiStandIn || []).push(this);
  }
  JitsiMeetExternalAPI.prototype.emit = function (event, data) {
    (this.listeners[event] || []).forEach(function (listener) { listener(data); });
  };
  JitsiMeetExternalAPI.prototype.addListener = function (event, listener) {
    (this.listeners[event] = this.listeners[event] || []).push(listener);
    return this;
  };
  JitsiMeetExternalAPI.prototype.on = JitsiMeetExternalAPI.prototype.addListener;
  JitsiMeetExternalAPI.prototype.addEventListener = JitsiMeetExternalAPI.prototype.addListener;
  JitsiMeetExternalAPI.prototype.removeListener = function (event, listener) {
    this.listeners[event] = (this.listeners[event] || []).filter(function (l) { return l !== listener; });
    return this;
  };
  JitsiMeetExternalAPI.prototype.executeCommand = function (name) {
    var args = Array.prototype.slice.call(arguments, 1);
    this.commands.push([name].concat(args));
    if (name === 'toggleVideo') {
      this.videoMuted = !this.videoMuted;
      this.emit('videoMuteStatusChanged', { muted: this.videoMuted });
    }
    if (name === 'muteEveryone' && args[0] === 'video' && !this.videoMuted) {
      this.videoMuted = true;
      this.emit('videoMuteStatusChanged', { muted: true });
    }
    if (name === 'hangup') this.emit('readyToClose', {});
  };
  JitsiMeetExternalAPI.prototype.isVideoMuted = function () { return Promise.resolve(this.videoMuted); };
  JitsiMeetExternalAPI.prototype.getIFrame = function () { return this.frame; };
  JitsiMeetExternalAPI.prototype.knock = function (name) {
    this.emit('knockingParticipant', { participant: { id: 'knock-' + Math.random().toString(36).slice(2), name: name } });
  };
  JitsiMeetExternalAPI.prototype.dispose = function () {
    this.disposed = true;
    if (this.frame.parentNode) this.frame.parentNode.removeChild(this.frame);
  };
  window.JitsiMeetExternalAPI = JitsiMeetExternalAPI;
})();
`;
