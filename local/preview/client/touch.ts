/**
 * exparser turns touch events into `tap`, `longpress` and friends, and a laptop has a mouse: the
 * preview replays mouse presses as single-finger touches. Mouse events that a real touch already
 * produced (Chromium's compatibility events after a tap) are left alone, so nothing taps twice.
 */
let lastRealTouch = 0;
let pressed = false;

function fromTouch(event: MouseEvent): boolean {
  const capabilities = (
    event as MouseEvent & { sourceCapabilities?: { firesTouchEvents?: boolean } }
  ).sourceCapabilities;
  return capabilities?.firesTouchEvents === true || Date.now() - lastRealTouch < 1000;
}

function replay(type: 'touchstart' | 'touchmove' | 'touchend', event: MouseEvent): void {
  const target = event.target instanceof Element ? event.target : document.body;
  const touch = new Touch({
    identifier: 1,
    target,
    clientX: event.clientX,
    clientY: event.clientY,
    pageX: event.pageX,
    pageY: event.pageY,
    screenX: event.screenX,
    screenY: event.screenY,
  });
  const active = type === 'touchend' ? [] : [touch];
  target.dispatchEvent(
    new TouchEvent(type, {
      bubbles: true,
      cancelable: true,
      composed: true,
      touches: active,
      targetTouches: active,
      changedTouches: [touch],
    }),
  );
}

export function installMouseAsTouch(): void {
  document.addEventListener(
    'touchstart',
    (event) => {
      if (event.isTrusted) lastRealTouch = Date.now();
    },
    { capture: true, passive: true },
  );
  document.addEventListener(
    'mousedown',
    (event) => {
      if (event.button !== 0 || fromTouch(event)) return;
      pressed = true;
      replay('touchstart', event);
    },
    { capture: true },
  );
  document.addEventListener(
    'mousemove',
    (event) => {
      if (pressed && !fromTouch(event)) replay('touchmove', event);
    },
    { capture: true },
  );
  document.addEventListener(
    'mouseup',
    (event) => {
      if (!pressed || fromTouch(event)) return;
      pressed = false;
      replay('touchend', event);
    },
    { capture: true },
  );
}
