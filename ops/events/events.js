// Events and control, all in JS: the DOM Standard's Event, EventTarget
// (listener options capture/once/passive/signal, handleEvent objects, the
// dispatch algorithm with its cloned listener list, exceptions reported
// rather than thrown), CustomEvent, ErrorEvent, PromiseRejectionEvent,
// AbortController and AbortSignal (abort, timeout, any with dependent
// signals held weakly by their sources), HTML's MessageChannel, MessagePort
// and MessageEvent, reportError, and the global object as an EventTarget
// (its "fetch" listeners are mirrored into the runtime's registry, which
// core.listeners reads). Nothing is done in Go: an event only moves
// references between JS objects, so a crossing would cost more than it
// saves. Time comes from performance.now, delays from setTimeout and message
// copies from structuredClone, each looked up when first needed because
// their families are installed after this one.
"use strict";

const webidl = core.use("webidl");
const DOMException = core.use("DOMException");

// ---------------------------------------------------------------------------
// Captured built-ins: user code that replaces them cannot break events.

const uncurryThis = (fn) => Function.prototype.call.bind(fn);
const global = globalThis;
const ReflectApply = Reflect.apply;
const ReflectSetPrototypeOf = Reflect.setPrototypeOf;
const ObjectDefineProperty = Object.defineProperty;
const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const ObjectGetOwnPropertyNames = Object.getOwnPropertyNames;
const ObjectGetPrototypeOf = Object.getPrototypeOf;
const ObjectFreeze = Object.freeze;
const ObjectPrototypeIsPrototypeOf = uncurryThis(Object.prototype.isPrototypeOf);
const ArrayPrototypePush = uncurryThis(Array.prototype.push);
const ArrayPrototypeSlice = uncurryThis(Array.prototype.slice);
const ArrayPrototypeSplice = uncurryThis(Array.prototype.splice);
const ArrayPrototypeIndexOf = uncurryThis(Array.prototype.indexOf);
const SetCtor = Set;
const SetPrototypeAdd = uncurryThis(Set.prototype.add);
const SetPrototypeDelete = uncurryThis(Set.prototype.delete);
const SetPrototypeValues = uncurryThis(Set.prototype.values);
const SetIteratorNext = uncurryThis(ObjectGetPrototypeOf(new Set().values()).next);
const SetPrototypeGetSize = uncurryThis(ObjectGetOwnPropertyDescriptor(Set.prototype, "size").get);
const WeakRefCtor = WeakRef;
const WeakRefPrototypeDeref = uncurryThis(WeakRef.prototype.deref);
const RegExpPrototypeExec = uncurryThis(RegExp.prototype.exec);
const StringCtor = String;
const NumberCtor = Number;
const TypeErrorCtor = TypeError;
const ErrorPrototype = Error.prototype;
const SymbolCtor = Symbol;
const SymbolIterator = Symbol.iterator;
const SymbolToStringTag = Symbol.toStringTag;
const DateNow = Date.now;

// kInternal lets this file call a constructor without its public steps;
// user code cannot get hold of the symbol.
const kInternal = SymbolCtor("kInternal");

function isObject(v) {
  return v !== null && (typeof v === "object" || typeof v === "function");
}

function methodError(iface, member, message) {
  return new TypeErrorCtor(`Failed to execute '${member}' on '${iface}': ${message}`);
}

function getterError(iface, member) {
  return new TypeErrorCtor(`Failed to read the '${member}' property from '${iface}': Illegal invocation`);
}

function setterError(iface, member) {
  return new TypeErrorCtor(`Failed to set the '${member}' property on '${iface}': Illegal invocation`);
}

// finishInterface makes a class's prototype members enumerable, as Web IDL
// attributes and operations are, and gives it its Symbol.toStringTag.
function finishInterface(cls, name = cls.name) {
  const proto = cls.prototype;
  const names = ObjectGetOwnPropertyNames(proto);
  for (let i = 0; i < names.length; i++) {
    if (names[i] === "constructor") continue;
    const d = ObjectGetOwnPropertyDescriptor(proto, names[i]);
    d.enumerable = true;
    ObjectDefineProperty(proto, names[i], d);
  }
  // Static operations too (AbortSignal.any and friends).
  const statics = ObjectGetOwnPropertyNames(cls);
  for (let i = 0; i < statics.length; i++) {
    const d = ObjectGetOwnPropertyDescriptor(cls, statics[i]);
    if (typeof d.value !== "function") continue;
    d.enumerable = true;
    ObjectDefineProperty(cls, statics[i], d);
  }
  ObjectDefineProperty(proto, SymbolToStringTag, { value: name, writable: false, enumerable: false, configurable: true });
}

// toDictionary checks a dictionary argument: undefined and null are the
// empty dictionary (returned as null), any other non-object is refused.
function toDictionary(v, prefix, name) {
  if (v === undefined || v === null) return null;
  if (!isObject(v)) throw new TypeErrorCtor(`${prefix}: The provided value is not of type '${name}'.`);
  return v;
}

// ---------------------------------------------------------------------------
// Helpers from families installed later, found when first needed.

// now returns the current time on performance.now's clock (the globals
// family), which is what Event.timeStamp is measured on.
const loadTime = DateNow();
let clock = null;
function now() {
  if (clock === null) {
    const P = global.Performance;
    const p = global.performance;
    const f = typeof P === "function" ? P.prototype.now : undefined;
    if (typeof f !== "function" || !isObject(p) || !ObjectPrototypeIsPrototypeOf(P.prototype, p)) {
      return DateNow() - loadTime;
    }
    clock = () => ReflectApply(f, p, []);
  }
  return clock();
}

// provided returns what a later family provides as name, or null. It is
// first asked for when user code runs, after every family is installed,
// so the answer is kept.
const providedCache = { __proto__: null };
function provided(name) {
  let v = providedCache[name];
  if (v === undefined) {
    try {
      v = core.use(name);
    } catch {
      v = null;
    }
    providedCache[name] = v;
  }
  return v;
}

// timerFunction returns setTimeout: the timers family's own if it provides
// one (as "timers"), else the global one at the time of the call.
function timerFunction(prefix) {
  const timers = provided("timers");
  const f = timers !== null ? timers.setTimeout : global.setTimeout;
  if (typeof f !== "function") throw new TypeErrorCtor(`${prefix}: this runtime has no setTimeout to schedule it with.`);
  return f;
}

// cloneFunction returns structuredClone, found the same way (as
// "structuredClone").
function cloneFunction(prefix) {
  const provide = provided("structuredClone");
  const f = provide !== null ? provide : global.structuredClone;
  if (typeof f !== "function") throw new TypeErrorCtor(`${prefix}: this runtime has no structuredClone to copy the message with.`);
  return f;
}

// ---------------------------------------------------------------------------
// Reporting exceptions (HTML "report an exception").

// describe is the text of an exception in a log line: "Name: message" for
// errors, console's inspection (when installed) for anything else.
function describe(e) {
  try {
    if (isObject(e) && ObjectPrototypeIsPrototypeOf(ErrorPrototype, e)) return `${e.name}: ${e.message}`;
    const inspect = provided("inspect");
    return inspect !== null ? inspect(e) : StringCtor(e);
  } catch {
    return "exception (not convertible to a string)";
  }
}

// A V8 stack frame line: "    at f (file:1:2)" or "    at file:1:2".
const frameLine = /^\s*at (?:.*\()?(.+?):(\d+):(\d+)\)?$/m;

// location reads the file, line and column of the frame that threw from
// an error's V8 stack (positions in the script V8 ran, not mapped).
function location(e) {
  try {
    if (!isObject(e) || !ObjectPrototypeIsPrototypeOf(ErrorPrototype, e)) return null;
    const stack = e.stack;
    if (typeof stack !== "string") return null;
    const m = RegExpPrototypeExec(frameLine, stack);
    if (m === null) return null;
    return [m[1], NumberCtor(m[2]), NumberCtor(m[3])];
  } catch {
    return null;
  }
}

function logUncaught(e) {
  core.logError(`Uncaught ${describe(e)}`, e);
}

// While an "error" event is being dispatched at the global object, a
// listener that throws is logged directly instead of starting another
// dispatch (HTML's "in error reporting mode").
let reporting = false;

// reportException dispatches a cancelable ErrorEvent named "error" at the
// global object and logs the exception unless a listener cancelled it.
function reportException(e) {
  if (reporting) {
    logUncaught(e);
    return;
  }
  const text = describe(e);
  const where = location(e);
  const ev = new ErrorEvent(kInternal, "error", false, true, [
    `Uncaught ${text}`,
    where === null ? "" : where[0],
    where === null ? 0 : where[1],
    where === null ? 0 : where[2],
    e,
  ]);
  eventRecOf(ev).trusted = true;
  let notHandled;
  reporting = true;
  try {
    notHandled = dispatch(global, ev, undefined);
  } finally {
    reporting = false;
  }
  if (notHandled) core.logError(`Uncaught ${text}`, e);
}

// Promise rejections, as the runtime reports them after each task's
// microtasks (core.onRejection): unhandledrejection is cancelable, and
// cancelling it keeps the rejection out of the log; rejectionhandled
// follows when a reported promise gets a handler later.
function firePromiseRejection(type, promise, reason, cancelable) {
  const ev = new PromiseRejectionEvent(type, { promise, reason, cancelable });
  eventRecOf(ev).trusted = true;
  return dispatch(global, ev, undefined);
}
core.onRejection({
  unhandled: (promise, reason) => firePromiseRejection("unhandledrejection", promise, reason, true),
  handled(promise, reason) {
    firePromiseRejection("rejectionhandled", promise, reason, false);
  },
});

function reportError(e) {
  webidl.requiredArguments(arguments.length, 1, "Failed to execute 'reportError'");
  reportException(e);
}

// ---------------------------------------------------------------------------
// Event

const NONE = 0;
const CAPTURING_PHASE = 1;
const AT_TARGET = 2;
const BUBBLING_PHASE = 3;

// An event's state: the DOM Standard's flags and attributes, one record per
// event so that making one costs a single private field.
function newEventRec(type, bubbles, cancelable, composed) {
  return {
    type,
    bubbles,
    cancelable,
    composed,
    target: null,
    currentTarget: null,
    phase: NONE,
    stop: false,
    stopImmediate: false,
    canceled: false,
    inPassive: false,
    dispatching: false,
    trusted: false,
    timeStamp: now(),
  };
}

function readEventInit(d) {
  if (d === null) return [false, false, false];
  // Members in Web IDL's order: lexicographic.
  const bubbles = !!d.bubbles;
  const cancelable = !!d.cancelable;
  const composed = !!d.composed;
  return [bubbles, cancelable, composed];
}

// isTrusted is [LegacyUnforgeable]: an own, non-configurable accessor on
// every event, sharing one getter.
let eventRecOf;
const isTrustedDescriptor = {
  get: function isTrusted() {
    const r = eventRecOf(this);
    if (r === undefined) throw getterError("Event", "isTrusted");
    return r.trusted;
  },
  enumerable: true,
  configurable: false,
};

function setCanceled(r) {
  if (r.cancelable && !r.inPassive) r.canceled = true;
}

class Event {
  #r;

  // new Event(kInternal, type, bubbles, cancelable, composed) is how the
  // subclasses hand over an init dictionary they already converted.
  constructor(type, eventInitDict = undefined) {
    if (type === kInternal) {
      this.#r = newEventRec(arguments[1], arguments[2], arguments[3], arguments[4]);
    } else {
      const prefix = "Failed to construct 'Event'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      type = webidl.toDOMString(type, prefix, "Parameter 1");
      const init = readEventInit(toDictionary(eventInitDict, prefix, "EventInit"));
      this.#r = newEventRec(type, init[0], init[1], init[2]);
    }
    ObjectDefineProperty(this, "isTrusted", isTrustedDescriptor);
  }

  static {
    eventRecOf = (v) => (isObject(v) && #r in v ? v.#r : undefined);
  }

  get type() {
    const r = eventRecOf(this);
    if (r === undefined) throw getterError("Event", "type");
    return r.type;
  }

  get target() {
    const r = eventRecOf(this);
    if (r === undefined) throw getterError("Event", "target");
    return r.target;
  }

  get srcElement() {
    const r = eventRecOf(this);
    if (r === undefined) throw getterError("Event", "srcElement");
    return r.target;
  }

  get currentTarget() {
    const r = eventRecOf(this);
    if (r === undefined) throw getterError("Event", "currentTarget");
    return r.currentTarget;
  }

  // composedPath is the event's path, which for targets without parents
  // is the target itself while the event is dispatched there.
  composedPath() {
    const r = eventRecOf(this);
    if (r === undefined) throw methodError("Event", "composedPath", "Illegal invocation");
    return r.currentTarget === null ? [] : [r.currentTarget];
  }

  get eventPhase() {
    const r = eventRecOf(this);
    if (r === undefined) throw getterError("Event", "eventPhase");
    return r.phase;
  }

  stopPropagation() {
    const r = eventRecOf(this);
    if (r === undefined) throw methodError("Event", "stopPropagation", "Illegal invocation");
    r.stop = true;
  }

  get cancelBubble() {
    const r = eventRecOf(this);
    if (r === undefined) throw getterError("Event", "cancelBubble");
    return r.stop;
  }

  set cancelBubble(value) {
    const r = eventRecOf(this);
    if (r === undefined) throw setterError("Event", "cancelBubble");
    if (value) r.stop = true;
  }

  stopImmediatePropagation() {
    const r = eventRecOf(this);
    if (r === undefined) throw methodError("Event", "stopImmediatePropagation", "Illegal invocation");
    r.stop = true;
    r.stopImmediate = true;
  }

  get bubbles() {
    const r = eventRecOf(this);
    if (r === undefined) throw getterError("Event", "bubbles");
    return r.bubbles;
  }

  get cancelable() {
    const r = eventRecOf(this);
    if (r === undefined) throw getterError("Event", "cancelable");
    return r.cancelable;
  }

  get returnValue() {
    const r = eventRecOf(this);
    if (r === undefined) throw getterError("Event", "returnValue");
    return !r.canceled;
  }

  set returnValue(value) {
    const r = eventRecOf(this);
    if (r === undefined) throw setterError("Event", "returnValue");
    if (!value) setCanceled(r);
  }

  preventDefault() {
    const r = eventRecOf(this);
    if (r === undefined) throw methodError("Event", "preventDefault", "Illegal invocation");
    setCanceled(r);
  }

  get defaultPrevented() {
    const r = eventRecOf(this);
    if (r === undefined) throw getterError("Event", "defaultPrevented");
    return r.canceled;
  }

  get composed() {
    const r = eventRecOf(this);
    if (r === undefined) throw getterError("Event", "composed");
    return r.composed;
  }

  get timeStamp() {
    const r = eventRecOf(this);
    if (r === undefined) throw getterError("Event", "timeStamp");
    return r.timeStamp;
  }

  initEvent(type, bubbles = false, cancelable = false) {
    const r = eventRecOf(this);
    const prefix = "Failed to execute 'initEvent' on 'Event'";
    if (r === undefined) throw methodError("Event", "initEvent", "Illegal invocation");
    webidl.requiredArguments(arguments.length, 1, prefix);
    type = webidl.toDOMString(type, prefix, "Parameter 1");
    if (r.dispatching) return;
    initEvent(r, type, !!bubbles, !!cancelable);
  }
}

function initEvent(r, type, bubbles, cancelable) {
  r.stop = false;
  r.stopImmediate = false;
  r.canceled = false;
  r.trusted = false;
  r.target = null;
  r.type = type;
  r.bubbles = bubbles;
  r.cancelable = cancelable;
}

finishInterface(Event);
for (const [name, value] of [
  ["NONE", NONE],
  ["CAPTURING_PHASE", CAPTURING_PHASE],
  ["AT_TARGET", AT_TARGET],
  ["BUBBLING_PHASE", BUBBLING_PHASE],
]) {
  const desc = { value, enumerable: true, writable: false, configurable: false };
  ObjectDefineProperty(Event, name, desc);
  ObjectDefineProperty(Event.prototype, name, desc);
}

function isEvent(v) {
  return eventRecOf(v) !== undefined;
}

// ---------------------------------------------------------------------------
// EventTarget

// A target's state: its event listener list, its event handlers, and an
// optional watch(type) called whenever the list changes.
function newTargetState() {
  return { listeners: [], handlers: null, watch: null };
}

// The global object is an EventTarget too; its state lives here rather
// than in a private field, which V8 does not allow on the global proxy.
const globalState = newTargetState();

let targetStateOf;

// stateOf is the state of a target, or undefined if it is not one. A
// missing receiver stands for the global object, as it does for the
// operations of an interface the global object implements.
function stateOf(target) {
  if (target === undefined || target === null || target === global) return globalState;
  return targetStateOf(target);
}

function callbackOf(callback, prefix) {
  if (callback === undefined || callback === null) return null;
  if (!isObject(callback)) throw new TypeErrorCtor(`${prefix}: parameter 2 is not of type 'EventListener'.`);
  return callback;
}

// flatten reads options as an EventListenerOptions-or-boolean.
function flatten(options) {
  if (!isObject(options)) return options === undefined || options === null ? false : !!options;
  return !!options.capture;
}

// flattenMore reads options as an AddEventListenerOptions-or-boolean:
// [capture, passive, once, signal].
function flattenMore(options, prefix) {
  if (!isObject(options)) return [options === undefined || options === null ? false : !!options, false, false, null];
  // Members in Web IDL's order: the inherited dictionary's first.
  const capture = !!options.capture;
  const once = !!options.once;
  const passive = !!options.passive;
  let signal = options.signal;
  if (signal === undefined) signal = null;
  else if (signalRecOf(signal) === undefined) {
    throw new TypeErrorCtor(
      `${prefix}: Failed to read the 'signal' property from 'AddEventListenerOptions': Failed to convert value to 'AbortSignal'.`,
    );
  }
  return [capture, passive, once, signal];
}

// addListener is the DOM Standard's "add an event listener"; it returns
// the listener added, or null.
function addListener(target, st, type, callback, capture, passive, once, signal) {
  if (signal !== null && signalRecOf(signal).reason !== undefined) return null;
  if (callback === null) return null;
  const list = st.listeners;
  for (let i = 0; i < list.length; i++) {
    const l = list[i];
    if (l.type === type && l.callback === callback && l.capture === capture) return null;
  }
  const l = { type, callback, capture, passive, once, signal, removed: false, abortHandle: null };
  ArrayPrototypePush(list, l);
  if (signal !== null) l.abortHandle = addAlgorithm(signal, () => removeListener(st, l));
  if (st.watch !== null) st.watch(type);
  return l;
}

// removeListener is "remove an event listener". The abort algorithm of a
// listener's signal goes with it, so that a long-lived signal does not
// keep removed listeners alive.
function removeListener(st, l) {
  if (l.removed) return;
  l.removed = true;
  const i = ArrayPrototypeIndexOf(st.listeners, l);
  if (i !== -1) ArrayPrototypeSplice(st.listeners, i, 1);
  if (l.abortHandle !== null) {
    removeAlgorithm(l.signal, l.abortHandle);
    l.abortHandle = null;
  }
  if (st.watch !== null) st.watch(l.type);
}

function hasListener(st, type) {
  const list = st.listeners;
  for (let i = 0; i < list.length; i++) if (list[i].type === type) return true;
  return false;
}

// callListener is Web IDL's "call a user object's operation" for
// handleEvent: a function is called with the current target as this, an
// object's handleEvent (read at each call) with the object.
function callListener(callback, target, event) {
  if (typeof callback === "function") {
    ReflectApply(callback, target, [event]);
    return;
  }
  const handleEvent = callback.handleEvent;
  if (typeof handleEvent !== "function") {
    throw new TypeErrorCtor("The event listener is neither a function nor an object with a handleEvent method.");
  }
  ReflectApply(handleEvent, callback, [event]);
}

// dispatch is the DOM Standard's dispatch for a target without parents:
// the capturing and the bubbling listeners of the target, both at target.
// An exception in a listener is reported, or passed to onError when given
// (an onError that throws ends the dispatch with that exception).
function dispatch(target, event, onError) {
  const r = eventRecOf(event);
  const st = stateOf(target);
  r.dispatching = true;
  r.target = target;
  try {
    r.phase = AT_TARGET;
    invoke(target, st, event, r, true, onError);
    invoke(target, st, event, r, false, onError);
  } finally {
    r.phase = NONE;
    r.currentTarget = null;
    r.dispatching = false;
    r.stop = false;
    r.stopImmediate = false;
  }
  return !r.canceled;
}

// invoke runs the listeners of one phase on a copy of the list: listeners
// added meanwhile wait for the next event, removed ones are skipped.
function invoke(target, st, event, r, capturing, onError) {
  if (r.stop) return;
  r.currentTarget = target;
  if (st.listeners.length === 0) return;
  const listeners = ArrayPrototypeSlice(st.listeners);
  for (let i = 0; i < listeners.length; i++) {
    const l = listeners[i];
    if (l.removed || l.type !== r.type || l.capture !== capturing) continue;
    if (l.once) removeListener(st, l);
    if (l.passive) r.inPassive = true;
    try {
      callListener(l.callback, target, event);
    } catch (e) {
      if (onError === undefined) reportException(e);
      else onError(e);
    } finally {
      r.inPassive = false;
    }
    if (r.stopImmediate) break;
  }
}

class EventTarget {
  #st = newTargetState();

  static {
    targetStateOf = (v) => (isObject(v) && #st in v ? v.#st : undefined);
  }

  addEventListener(type, callback, options = undefined) {
    const self = this === undefined || this === null ? global : this;
    const st = stateOf(self);
    if (st === undefined) throw methodError("EventTarget", "addEventListener", "Illegal invocation");
    const prefix = "Failed to execute 'addEventListener' on 'EventTarget'";
    webidl.requiredArguments(arguments.length, 2, prefix);
    type = webidl.toDOMString(type, prefix, "Parameter 1");
    callback = callbackOf(callback, prefix);
    const o = flattenMore(options, prefix);
    addListener(self, st, type, callback, o[0], o[1], o[2], o[3]);
  }

  removeEventListener(type, callback, options = undefined) {
    const self = this === undefined || this === null ? global : this;
    const st = stateOf(self);
    if (st === undefined) throw methodError("EventTarget", "removeEventListener", "Illegal invocation");
    const prefix = "Failed to execute 'removeEventListener' on 'EventTarget'";
    webidl.requiredArguments(arguments.length, 2, prefix);
    type = webidl.toDOMString(type, prefix, "Parameter 1");
    callback = callbackOf(callback, prefix);
    const capture = flatten(options);
    if (callback === null) return;
    const list = st.listeners;
    for (let i = 0; i < list.length; i++) {
      const l = list[i];
      if (l.type === type && l.callback === callback && l.capture === capture) {
        removeListener(st, l);
        return;
      }
    }
  }

  dispatchEvent(event) {
    const self = this === undefined || this === null ? global : this;
    const st = stateOf(self);
    if (st === undefined) throw methodError("EventTarget", "dispatchEvent", "Illegal invocation");
    const prefix = "Failed to execute 'dispatchEvent' on 'EventTarget'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    const r = eventRecOf(event);
    if (r === undefined) throw new TypeErrorCtor(`${prefix}: parameter 1 is not of type 'Event'.`);
    if (r.dispatching) throw new DOMException(`${prefix}: The event is already being dispatched.`, "InvalidStateError");
    r.trusted = false;
    return dispatch(self, event, undefined);
  }
}
finishInterface(EventTarget);

// defineEventHandler gives proto the event handler IDL attribute on<type>
// (HTML): the handler's listener is added when it is first set to a
// non-null value, keeps its place in the list while the value changes, and
// is removed when it is set to null. A handler returning false cancels the
// event. isBrand(v) says whether v implements iface; onSet(target), if
// given, runs after every set.
function defineEventHandler(proto, type, iface, isBrand, onSet = undefined) {
  const name = `on${type}`;
  ObjectDefineProperty(proto, name, {
    get() {
      const st = isBrand(this) ? targetStateOf(this) : undefined;
      if (st === undefined) throw getterError(iface, name);
      const h = st.handlers === null ? undefined : st.handlers[name];
      return h === undefined ? null : h.value;
    },
    set(value) {
      const st = isBrand(this) ? targetStateOf(this) : undefined;
      if (st === undefined) throw setterError(iface, name);
      // [LegacyTreatNonObjectAsNull]
      if (!isObject(value)) value = null;
      if (st.handlers === null) st.handlers = { __proto__: null };
      let h = st.handlers[name];
      if (h === undefined) {
        h = { value: null, listener: null };
        st.handlers[name] = h;
      }
      h.value = value;
      if (value === null) {
        if (h.listener !== null) {
          removeListener(st, h.listener);
          h.listener = null;
        }
      } else if (h.listener === null) {
        h.listener = addListener(this, st, type, handlerListener(h), false, false, false, null);
      }
      if (onSet !== undefined) onSet(this);
    },
    enumerable: true,
    configurable: true,
  });
}

function handlerListener(h) {
  return function (event) {
    const f = h.value;
    if (typeof f !== "function") return;
    if (ReflectApply(f, this, [event]) === false) setCanceled(eventRecOf(event));
  };
}

// ---------------------------------------------------------------------------
// CustomEvent, ErrorEvent, PromiseRejectionEvent

let isCustomEvent;
let detailOf;

class CustomEvent extends Event {
  #detail;

  constructor(type, eventInitDict = undefined) {
    const prefix = "Failed to construct 'CustomEvent'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    type = webidl.toDOMString(type, prefix, "Parameter 1");
    const d = toDictionary(eventInitDict, prefix, "CustomEventInit");
    const init = readEventInit(d);
    const detail = d === null ? null : d.detail;
    super(kInternal, type, init[0], init[1], init[2]);
    this.#detail = detail === undefined ? null : detail;
  }

  static {
    isCustomEvent = (v) => isObject(v) && #detail in v;
    detailOf = (v) => v.#detail;
  }

  get detail() {
    if (!isCustomEvent(this)) throw getterError("CustomEvent", "detail");
    return detailOf(this);
  }

  initCustomEvent(type, bubbles = false, cancelable = false, detail = null) {
    const prefix = "Failed to execute 'initCustomEvent' on 'CustomEvent'";
    if (!isCustomEvent(this)) throw methodError("CustomEvent", "initCustomEvent", "Illegal invocation");
    webidl.requiredArguments(arguments.length, 1, prefix);
    type = webidl.toDOMString(type, prefix, "Parameter 1");
    const r = eventRecOf(this);
    if (r.dispatching) return;
    initEvent(r, type, !!bubbles, !!cancelable);
    this.#detail = detail;
  }
}
finishInterface(CustomEvent);

let errorEventOf;

class ErrorEvent extends Event {
  #e;

  // new ErrorEvent(kInternal, type, bubbles, cancelable, [message,
  // filename, lineno, colno, error]) is how reportException makes one.
  constructor(type, eventInitDict = undefined) {
    if (type === kInternal) {
      super(kInternal, arguments[1], arguments[2], arguments[3], false);
      const f = arguments[4];
      this.#e = { message: f[0], filename: f[1], lineno: f[2], colno: f[3], error: f[4] };
      return;
    }
    const prefix = "Failed to construct 'ErrorEvent'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    type = webidl.toDOMString(type, prefix, "Parameter 1");
    const d = toDictionary(eventInitDict, prefix, "ErrorEventInit");
    const init = readEventInit(d);
    const e = { message: "", filename: "", lineno: 0, colno: 0, error: undefined };
    if (d !== null) {
      const colno = d.colno;
      if (colno !== undefined) e.colno = webidl.toUnsignedLong(colno, undefined, prefix, "colno");
      e.error = d.error;
      const filename = d.filename;
      if (filename !== undefined) e.filename = webidl.toUSVString(filename, prefix, "filename");
      const lineno = d.lineno;
      if (lineno !== undefined) e.lineno = webidl.toUnsignedLong(lineno, undefined, prefix, "lineno");
      const message = d.message;
      if (message !== undefined) e.message = webidl.toDOMString(message, prefix, "message");
    }
    super(kInternal, type, init[0], init[1], init[2]);
    this.#e = e;
  }

  static {
    errorEventOf = (v) => (isObject(v) && #e in v ? v.#e : undefined);
  }

  get message() {
    const e = errorEventOf(this);
    if (e === undefined) throw getterError("ErrorEvent", "message");
    return e.message;
  }

  get filename() {
    const e = errorEventOf(this);
    if (e === undefined) throw getterError("ErrorEvent", "filename");
    return e.filename;
  }

  get lineno() {
    const e = errorEventOf(this);
    if (e === undefined) throw getterError("ErrorEvent", "lineno");
    return e.lineno;
  }

  get colno() {
    const e = errorEventOf(this);
    if (e === undefined) throw getterError("ErrorEvent", "colno");
    return e.colno;
  }

  get error() {
    const e = errorEventOf(this);
    if (e === undefined) throw getterError("ErrorEvent", "error");
    return e.error;
  }
}
finishInterface(ErrorEvent);

let rejectionOf;

class PromiseRejectionEvent extends Event {
  #p;

  constructor(type, eventInitDict) {
    const prefix = "Failed to construct 'PromiseRejectionEvent'";
    webidl.requiredArguments(arguments.length, 2, prefix);
    type = webidl.toDOMString(type, prefix, "Parameter 1");
    const d = toDictionary(eventInitDict, prefix, "PromiseRejectionEventInit");
    const init = readEventInit(d);
    const promise = d === null ? undefined : d.promise;
    if (promise === undefined) {
      throw new TypeErrorCtor(`${prefix}: Failed to read the 'promise' property from 'PromiseRejectionEventInit': Required member is undefined.`);
    }
    if (!isObject(promise)) {
      throw new TypeErrorCtor(`${prefix}: Failed to read the 'promise' property from 'PromiseRejectionEventInit': The provided value is not of type 'object'.`);
    }
    const reason = d.reason;
    super(kInternal, type, init[0], init[1], init[2]);
    this.#p = { promise, reason };
  }

  static {
    rejectionOf = (v) => (isObject(v) && #p in v ? v.#p : undefined);
  }

  get promise() {
    const p = rejectionOf(this);
    if (p === undefined) throw getterError("PromiseRejectionEvent", "promise");
    return p.promise;
  }

  get reason() {
    const p = rejectionOf(this);
    if (p === undefined) throw getterError("PromiseRejectionEvent", "reason");
    return p.reason;
  }
}
finishInterface(PromiseRejectionEvent);

// ---------------------------------------------------------------------------
// AbortSignal and AbortController

// A signal's state. reason is undefined until the signal is aborted. A
// dependent signal (AbortSignal.any) holds its sources through WeakRefs and
// each source holds its dependents through WeakRefs, so that a signal made
// per request from a long-lived one goes away with the request. A
// dependent with abort listeners or algorithms must live as long as one of
// its sources can abort it: while it has some, each source also holds it
// strongly, in pins.
function newSignalRec() {
  return {
    reason: undefined,
    algorithms: null,
    dependent: false,
    self: null, // a WeakRef to the signal, shared by its sources
    sources: null,
    dependents: null,
    pruneAt: 16,
    pins: null,
    pinned: false,
  };
}

let signalRecOf;

class AbortSignal extends EventTarget {
  #s;

  constructor(key = undefined) {
    if (key !== kInternal) webidl.illegalConstructor("AbortSignal");
    super();
    this.#s = newSignalRec();
  }

  static {
    signalRecOf = (v) => (isObject(v) && #s in v ? v.#s : undefined);
  }

  static abort(reason = undefined) {
    const signal = new AbortSignal(kInternal);
    signalRecOf(signal).reason = reason !== undefined ? reason : abortError();
    return signal;
  }

  static timeout(milliseconds) {
    const prefix = "Failed to execute 'timeout' on 'AbortSignal'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    const ms = webidl.toUnsignedLongLong(milliseconds, { enforceRange: true }, prefix, "Parameter 1");
    const setTimeout = timerFunction(prefix);
    const signal = new AbortSignal(kInternal);
    armTimeout(setTimeout, signal, ms);
    return signal;
  }

  static any(signals) {
    const prefix = "Failed to execute 'any' on 'AbortSignal'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    if (!isObject(signals) || typeof signals[SymbolIterator] !== "function") {
      throw new TypeErrorCtor(`${prefix}: The provided value cannot be converted to a sequence.`);
    }
    const list = [];
    for (const s of signals) {
      if (signalRecOf(s) === undefined) {
        throw new TypeErrorCtor(`${prefix}: Failed to convert value at index ${list.length} to 'AbortSignal'.`);
      }
      ArrayPrototypePush(list, s);
    }
    return createDependentSignal(list);
  }

  get aborted() {
    const s = signalRecOf(this);
    if (s === undefined) throw getterError("AbortSignal", "aborted");
    return s.reason !== undefined;
  }

  get reason() {
    const s = signalRecOf(this);
    if (s === undefined) throw getterError("AbortSignal", "reason");
    return s.reason;
  }

  throwIfAborted() {
    const s = signalRecOf(this);
    if (s === undefined) throw methodError("AbortSignal", "throwIfAborted", "Illegal invocation");
    if (s.reason !== undefined) throw s.reason;
  }
}
defineEventHandler(AbortSignal.prototype, "abort", "AbortSignal", (v) => signalRecOf(v) !== undefined);
finishInterface(AbortSignal);

function abortError() {
  return new DOMException("signal is aborted without reason", "AbortError");
}

// setTimeout takes a 32-bit delay; longer timeouts are armed in steps.
const MAX_DELAY = 2147483647;

function armTimeout(setTimeout, signal, ms) {
  const step = ms > MAX_DELAY ? MAX_DELAY : ms;
  ReflectApply(setTimeout, global, [
    () => {
      if (ms > MAX_DELAY) armTimeout(setTimeout, signal, ms - MAX_DELAY);
      else signalAbort(signal, new DOMException("signal timed out", "TimeoutError"));
    },
    step,
  ]);
}

// addAlgorithm is "add an algorithm to an AbortSignal"; it returns a
// handle for removeAlgorithm, or undefined when the signal is aborted.
function addAlgorithm(signal, fn) {
  const s = signalRecOf(signal);
  if (s.reason !== undefined) return undefined;
  const handle = { fn, removed: false };
  if (s.algorithms === null) s.algorithms = [];
  ArrayPrototypePush(s.algorithms, handle);
  if (s.dependent) refreshPin(signal, s);
  return handle;
}

function removeAlgorithm(signal, handle) {
  if (handle === undefined || handle.removed) return;
  handle.removed = true;
  const s = signalRecOf(signal);
  if (s.algorithms === null) return;
  const i = ArrayPrototypeIndexOf(s.algorithms, handle);
  if (i !== -1) ArrayPrototypeSplice(s.algorithms, i, 1);
  if (s.dependent) refreshPin(signal, s);
}

// refreshPin has the sources of a dependent signal hold it strongly while
// it could still abort and someone would notice.
function refreshPin(signal, s) {
  const need =
    s.reason === undefined &&
    ((s.algorithms !== null && s.algorithms.length > 0) || hasListener(targetStateOf(signal), "abort"));
  if (need === s.pinned) return;
  s.pinned = need;
  const sources = s.sources;
  for (let i = 0; i < sources.length; i++) {
    const src = WeakRefPrototypeDeref(sources[i]);
    if (src === undefined) continue;
    const ss = signalRecOf(src);
    if (need) {
      if (ss.reason !== undefined) continue;
      if (ss.pins === null) ss.pins = new SetCtor();
      SetPrototypeAdd(ss.pins, signal);
    } else if (ss.pins !== null) {
      SetPrototypeDelete(ss.pins, signal);
    }
  }
}

// createDependentSignal is "create a dependent abort signal".
function createDependentSignal(signals) {
  const result = new AbortSignal(kInternal);
  const rs = signalRecOf(result);
  for (let i = 0; i < signals.length; i++) {
    const s = signalRecOf(signals[i]);
    if (s.reason !== undefined) {
      rs.reason = s.reason;
      return result;
    }
  }
  rs.dependent = true;
  rs.self = new WeakRefCtor(result);
  rs.sources = [];
  for (let i = 0; i < signals.length; i++) {
    const signal = signals[i];
    const s = signalRecOf(signal);
    if (!s.dependent) {
      link(rs, signal, s);
      continue;
    }
    for (let j = 0; j < s.sources.length; j++) {
      const src = WeakRefPrototypeDeref(s.sources[j]);
      if (src !== undefined) link(rs, src, signalRecOf(src));
    }
  }
  targetStateOf(result).watch = (type) => {
    if (type === "abort") refreshPin(result, rs);
  };
  return result;
}

function link(rs, src, ss) {
  const sources = rs.sources;
  for (let i = 0; i < sources.length; i++) if (WeakRefPrototypeDeref(sources[i]) === src) return;
  ArrayPrototypePush(sources, new WeakRefCtor(src));
  if (ss.dependents === null) ss.dependents = new SetCtor();
  SetPrototypeAdd(ss.dependents, rs.self);
  // Forget dependents that were collected, now and then.
  const size = SetPrototypeGetSize(ss.dependents);
  if (size >= ss.pruneAt) {
    const dead = [];
    const it = SetPrototypeValues(ss.dependents);
    for (let r = SetIteratorNext(it); !r.done; r = SetIteratorNext(it)) {
      if (WeakRefPrototypeDeref(r.value) === undefined) ArrayPrototypePush(dead, r.value);
    }
    for (let i = 0; i < dead.length; i++) SetPrototypeDelete(ss.dependents, dead[i]);
    const live = size - dead.length;
    ss.pruneAt = live * 2 > 16 ? live * 2 : 16;
  }
}

// signalAbort is "signal abort": the reason is set on the signal and on
// its dependents first, then each runs its abort algorithms and fires
// "abort", the signal before its dependents.
function signalAbort(signal, reason) {
  const s = signalRecOf(signal);
  if (s.reason !== undefined) return;
  s.reason = reason !== undefined ? reason : abortError();
  const toAbort = [];
  if (s.dependents !== null) {
    const it = SetPrototypeValues(s.dependents);
    for (let r = SetIteratorNext(it); !r.done; r = SetIteratorNext(it)) {
      const dep = WeakRefPrototypeDeref(r.value);
      if (dep === undefined) continue;
      const ds = signalRecOf(dep);
      if (ds.reason !== undefined) continue;
      ds.reason = s.reason;
      ArrayPrototypePush(toAbort, dep);
    }
  }
  s.dependents = null;
  s.pins = null;
  runAbortSteps(signal, s);
  for (let i = 0; i < toAbort.length; i++) runAbortSteps(toAbort[i], signalRecOf(toAbort[i]));
}

function runAbortSteps(signal, s) {
  const algorithms = s.algorithms;
  s.algorithms = null;
  if (s.pinned) refreshPin(signal, s);
  if (algorithms !== null) {
    for (let i = 0; i < algorithms.length; i++) {
      const a = algorithms[i];
      if (a.removed) continue;
      a.removed = true;
      try {
        a.fn();
      } catch (e) {
        reportException(e);
      }
    }
  }
  const ev = new Event(kInternal, "abort", false, false, false);
  eventRecOf(ev).trusted = true;
  dispatch(signal, ev, undefined);
}

let controllerSignalOf;

class AbortController {
  #signal;

  constructor() {
    this.#signal = new AbortSignal(kInternal);
  }

  static {
    controllerSignalOf = (v) => (isObject(v) && #signal in v ? v.#signal : undefined);
  }

  get signal() {
    const s = controllerSignalOf(this);
    if (s === undefined) throw getterError("AbortController", "signal");
    return s;
  }

  abort(reason = undefined) {
    const s = controllerSignalOf(this);
    if (s === undefined) throw methodError("AbortController", "abort", "Illegal invocation");
    signalAbort(s, reason);
  }
}
finishInterface(AbortController);

// ---------------------------------------------------------------------------
// MessageEvent, MessagePort, MessageChannel

let messageEventOf;
let portRecOf;

function toPortList(v, prefix, context) {
  if (!isObject(v) || typeof v[SymbolIterator] !== "function") {
    throw new TypeErrorCtor(`${prefix}: ${context} cannot be converted to a sequence.`);
  }
  const list = [];
  for (const p of v) {
    if (portRecOf(p) === undefined) {
      throw new TypeErrorCtor(`${prefix}: ${context}: the value at index ${list.length} is not a MessagePort.`);
    }
    ArrayPrototypePush(list, p);
  }
  return ObjectFreeze(list);
}

function toSource(v, prefix) {
  if (v === null || v === undefined) return null;
  if (portRecOf(v) === undefined) {
    throw new TypeErrorCtor(`${prefix}: Failed to read the 'source' property from 'MessageEventInit': The provided value is not of type '(MessagePort or ServiceWorker or WindowProxy)'.`);
  }
  return v;
}

const noPorts = ObjectFreeze([]);

class MessageEvent extends Event {
  #m;

  // new MessageEvent(kInternal, data, ports) is a port's message.
  constructor(type, eventInitDict = undefined) {
    if (type === kInternal) {
      super(kInternal, "message", false, false, false);
      this.#m = { data: arguments[1], origin: "", lastEventId: "", source: null, ports: arguments[2] };
      return;
    }
    const prefix = "Failed to construct 'MessageEvent'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    type = webidl.toDOMString(type, prefix, "Parameter 1");
    const d = toDictionary(eventInitDict, prefix, "MessageEventInit");
    const init = readEventInit(d);
    const m = { data: null, origin: "", lastEventId: "", source: null, ports: noPorts };
    if (d !== null) {
      const data = d.data;
      if (data !== undefined) m.data = data;
      const lastEventId = d.lastEventId;
      if (lastEventId !== undefined) m.lastEventId = webidl.toDOMString(lastEventId, prefix, "lastEventId");
      const origin = d.origin;
      if (origin !== undefined) m.origin = webidl.toUSVString(origin, prefix, "origin");
      const ports = d.ports;
      if (ports !== undefined) m.ports = toPortList(ports, prefix, "The 'ports' member");
      m.source = toSource(d.source, prefix);
    }
    super(kInternal, type, init[0], init[1], init[2]);
    this.#m = m;
  }

  static {
    messageEventOf = (v) => (isObject(v) && #m in v ? v.#m : undefined);
  }

  get data() {
    const m = messageEventOf(this);
    if (m === undefined) throw getterError("MessageEvent", "data");
    return m.data;
  }

  get origin() {
    const m = messageEventOf(this);
    if (m === undefined) throw getterError("MessageEvent", "origin");
    return m.origin;
  }

  get lastEventId() {
    const m = messageEventOf(this);
    if (m === undefined) throw getterError("MessageEvent", "lastEventId");
    return m.lastEventId;
  }

  get source() {
    const m = messageEventOf(this);
    if (m === undefined) throw getterError("MessageEvent", "source");
    return m.source;
  }

  get ports() {
    const m = messageEventOf(this);
    if (m === undefined) throw getterError("MessageEvent", "ports");
    return m.ports;
  }

  initMessageEvent(type, bubbles = false, cancelable = false, data = null, origin = "", lastEventId = "", source = null, ports = []) {
    const m = messageEventOf(this);
    const prefix = "Failed to execute 'initMessageEvent' on 'MessageEvent'";
    if (m === undefined) throw methodError("MessageEvent", "initMessageEvent", "Illegal invocation");
    webidl.requiredArguments(arguments.length, 1, prefix);
    type = webidl.toDOMString(type, prefix, "Parameter 1");
    origin = webidl.toUSVString(origin, prefix, "Parameter 5");
    lastEventId = webidl.toDOMString(lastEventId, prefix, "Parameter 6");
    source = toSource(source, prefix);
    ports = toPortList(ports, prefix, "Parameter 8");
    const r = eventRecOf(this);
    if (r.dispatching) return;
    initEvent(r, type, !!bubbles, !!cancelable);
    m.data = data;
    m.origin = origin;
    m.lastEventId = lastEventId;
    m.source = source;
    m.ports = ports;
  }
}
finishInterface(MessageEvent);

// A port's state: the port it is entangled with, its port message queue
// (messages and a final close notice, delivered once the queue is enabled)
// and whether it is detached (closed or transferred). armed counts the
// delivery tasks pending for it.
function newPortRec() {
  return { entangled: null, queue: [], head: 0, enabled: false, detached: false, armed: 0 };
}

const CLOSE = SymbolCtor("close");

class MessagePort extends EventTarget {
  #p;

  constructor(key = undefined) {
    if (key !== kInternal) webidl.illegalConstructor("MessagePort");
    super();
    this.#p = newPortRec();
  }

  static {
    portRecOf = (v) => (isObject(v) && #p in v ? v.#p : undefined);
  }

  postMessage(message, options = undefined) {
    const p = portRecOf(this);
    const prefix = "Failed to execute 'postMessage' on 'MessagePort'";
    if (p === undefined) throw methodError("MessagePort", "postMessage", "Illegal invocation");
    webidl.requiredArguments(arguments.length, 1, prefix);
    const transfer = transferList(options, prefix);
    postMessage(this, p, message, transfer, prefix);
  }

  start() {
    const p = portRecOf(this);
    if (p === undefined) throw methodError("MessagePort", "start", "Illegal invocation");
    startPort(this, p);
  }

  close() {
    const p = portRecOf(this);
    if (p === undefined) throw methodError("MessagePort", "close", "Illegal invocation");
    p.detached = true;
    p.queue = [];
    p.head = 0;
    const other = p.entangled;
    if (other === null) return;
    p.entangled = null;
    const o = portRecOf(other);
    o.entangled = null;
    enqueue(other, o, CLOSE, undefined);
  }
}
const isMessagePort = (v) => portRecOf(v) !== undefined;
defineEventHandler(MessagePort.prototype, "message", "MessagePort", isMessagePort, (port) => startPort(port, portRecOf(port)));
defineEventHandler(MessagePort.prototype, "messageerror", "MessagePort", isMessagePort);
defineEventHandler(MessagePort.prototype, "close", "MessagePort", isMessagePort);
finishInterface(MessagePort);

// transferList reads postMessage's second argument: a sequence of objects
// (the transfer list) or a StructuredSerializeOptions dictionary.
function transferList(options, prefix) {
  if (options === undefined || options === null) return [];
  if (!isObject(options)) throw new TypeErrorCtor(`${prefix}: The provided value is not of type 'StructuredSerializeOptions'.`);
  let seq = options;
  if (typeof options[SymbolIterator] !== "function") {
    seq = options.transfer;
    if (seq === undefined) return [];
  }
  if (!isObject(seq) || typeof seq[SymbolIterator] !== "function") {
    throw new TypeErrorCtor(`${prefix}: The provided value for 'transfer' cannot be converted to a sequence.`);
  }
  const list = [];
  for (const item of seq) {
    if (!isObject(item)) throw new TypeErrorCtor(`${prefix}: Value at index ${list.length} of 'transfer' is not an object.`);
    ArrayPrototypePush(list, item);
  }
  return list;
}

// postMessage is HTML's "message port post message steps". The message is
// copied now (serialize and deserialize in one step, as nothing crosses a
// realm), ports in the transfer list are moved to new MessagePort objects,
// and the message waits in the entangled port's queue.
function postMessage(port, p, message, transfer, prefix) {
  const target = p.entangled;
  const ports = [];
  const others = [];
  let doomed = false;
  for (let i = 0; i < transfer.length; i++) {
    const t = transfer[i];
    const tp = portRecOf(t);
    if (tp === undefined) {
      ArrayPrototypePush(others, t);
      continue;
    }
    if (t === port) throw new DOMException(`${prefix}: Port at index ${i} is the source port.`, "DataCloneError");
    if (ArrayPrototypeIndexOf(ports, t) !== -1) {
      throw new DOMException(`${prefix}: Port at index ${i} is a duplicate of an earlier port.`, "DataCloneError");
    }
    if (tp.detached) throw new DOMException(`${prefix}: Port at index ${i} is closed or already transferred.`, "DataCloneError");
    if (t === target) doomed = true;
    ArrayPrototypePush(ports, t);
  }
  const setTimeout = timerFunction(prefix);
  const clone = cloneFunction(prefix);
  const data = others.length === 0 ? ReflectApply(clone, global, [message]) : ReflectApply(clone, global, [message, { transfer: others }]);
  const moved = [];
  for (let i = 0; i < ports.length; i++) ArrayPrototypePush(moved, transferPort(ports[i]));
  if (target === null || doomed) return;
  enqueue(target, portRecOf(target), { data, ports: ObjectFreeze(moved) }, setTimeout);
}

// transferPort moves a port's entanglement and queued messages to a new
// MessagePort, whose queue starts disabled; the old one is detached.
function transferPort(port) {
  const old = portRecOf(port);
  const moved = new MessagePort(kInternal);
  const p = portRecOf(moved);
  p.queue = ArrayPrototypeSlice(old.queue, old.head);
  const other = old.entangled;
  if (other !== null) {
    p.entangled = other;
    portRecOf(other).entangled = moved;
  }
  old.entangled = null;
  old.detached = true;
  old.queue = [];
  old.head = 0;
  return moved;
}

function enqueue(port, p, entry, setTimeout) {
  if (p.detached) return;
  ArrayPrototypePush(p.queue, entry);
  arm(port, p, setTimeout);
}

function startPort(port, p) {
  if (p.detached || p.enabled) return;
  p.enabled = true;
  arm(port, p, undefined);
}

// arm keeps a delivery task pending for every entry of an enabled queue;
// each task delivers the entry at the head, so each message is a task of
// its own, as HTML's port message queue has it. Arming them all at once,
// rather than one after the other, lets a burst of messages wait for the
// timers family's wake-up once.
function arm(port, p, setTimeout) {
  if (!p.enabled || p.detached) return;
  let missing = p.queue.length - p.head - p.armed;
  if (missing <= 0) return;
  if (setTimeout === undefined) {
    try {
      setTimeout = timerFunction("MessagePort");
    } catch (e) {
      reportException(e);
      return;
    }
  }
  const task = () => deliver(port, p);
  for (; missing > 0; missing--) {
    ReflectApply(setTimeout, global, [task, 0]);
    p.armed++;
  }
}

function deliver(port, p) {
  p.armed--;
  if (!p.enabled || p.detached || p.head >= p.queue.length) return;
  const entry = p.queue[p.head];
  p.queue[p.head] = undefined;
  p.head++;
  if (p.head === p.queue.length) {
    p.queue = [];
    p.head = 0;
  }
  let ev;
  if (entry === CLOSE) {
    ev = new Event(kInternal, "close", false, false, false);
  } else {
    ev = new MessageEvent(kInternal, entry.data, entry.ports);
  }
  eventRecOf(ev).trusted = true;
  dispatch(port, ev, undefined);
}

let channelOf;

class MessageChannel {
  #c;

  constructor() {
    const port1 = new MessagePort(kInternal);
    const port2 = new MessagePort(kInternal);
    portRecOf(port1).entangled = port2;
    portRecOf(port2).entangled = port1;
    this.#c = { port1, port2 };
  }

  static {
    channelOf = (v) => (isObject(v) && #c in v ? v.#c : undefined);
  }

  get port1() {
    const c = channelOf(this);
    if (c === undefined) throw getterError("MessageChannel", "port1");
    return c.port1;
  }

  get port2() {
    const c = channelOf(this);
    if (c === undefined) throw getterError("MessageChannel", "port2");
    return c.port2;
  }
}
finishInterface(MessageChannel);

// ---------------------------------------------------------------------------
// The global object as an EventTarget.

// The runtime's registry of listeners (core.listeners, and whether the
// worker handles an event type) is kept by the bootstrap's own
// addEventListener and removeEventListener. After every change to a type's
// listeners on the global object, that type's entry is rebuilt through
// them, so the registry holds exactly the callbacks listed here.
const bootstrapAdd = global.addEventListener;
const bootstrapRemove = global.removeEventListener;
if (typeof bootstrapAdd === "function" && typeof bootstrapRemove === "function") {
  globalState.watch = (type) => {
    const old = ArrayPrototypeSlice(core.listeners(type));
    for (let i = 0; i < old.length; i++) ReflectApply(bootstrapRemove, global, [type, old[i]]);
    const list = globalState.listeners;
    for (let i = 0; i < list.length; i++) {
      if (list[i].type === type) ReflectApply(bootstrapAdd, global, [type, list[i].callback]);
    }
  };
}

// globalThis instanceof EventTarget: the global object's prototype (the
// V8 template's, which holds nothing but its constructor) now inherits
// from EventTarget.prototype instead of Object.prototype.
ReflectSetPrototypeOf(ObjectGetPrototypeOf(global), EventTarget.prototype);

const EventTargetPrototype = EventTarget.prototype;
core.defineGlobal("addEventListener", EventTargetPrototype.addEventListener);
core.defineGlobal("removeEventListener", EventTargetPrototype.removeEventListener);
core.defineGlobal("dispatchEvent", EventTargetPrototype.dispatchEvent);
core.defineGlobal("reportError", reportError);
core.defineGlobal("Event", Event);
core.defineGlobal("EventTarget", EventTarget);
core.defineGlobal("CustomEvent", CustomEvent);
core.defineGlobal("ErrorEvent", ErrorEvent);
core.defineGlobal("PromiseRejectionEvent", PromiseRejectionEvent);
core.defineGlobal("AbortController", AbortController);
core.defineGlobal("AbortSignal", AbortSignal);
core.defineGlobal("MessageEvent", MessageEvent);
core.defineGlobal("MessagePort", MessagePort);
core.defineGlobal("MessageChannel", MessageChannel);

// What streams needs of AbortSignal (see getAbortSupport there), and what
// fetch needs to give a Request a signal that follows another.
core.provide(
  "abort",
  ObjectFreeze({
    __proto__: null,
    isAbortSignal: (v) => signalRecOf(v) !== undefined,
    aborted: (signal) => signalRecOf(signal).reason !== undefined,
    reason: (signal) => signalRecOf(signal).reason,
    // add runs fn when signal aborts, before its "abort" event; it
    // returns a handle for remove (undefined if already aborted).
    add: addAlgorithm,
    remove: removeAlgorithm,
    newController: () => new AbortController(),
    signalOf: (controller) => controllerSignalOf(controller),
    abort: (controller, reason) => signalAbort(controllerSignalOf(controller), reason),
    // newSignal and signalAbort make and abort a signal with no
    // controller, for signals the runtime itself aborts.
    newSignal: () => new AbortSignal(kInternal),
    signalAbort,
    // any is AbortSignal.any on a list already checked; follow(signal) is
    // a new signal that aborts with signal (a dependent signal).
    any: createDependentSignal,
    follow: (signal) => createDependentSignal([signal]),
  }),
);

// What other families need to make, fire and report events.
core.provide(
  "events",
  ObjectFreeze({
    __proto__: null,
    Event,
    EventTarget,
    isEvent,
    isEventTarget: (v) => stateOf(v) !== undefined && v !== undefined && v !== null,
    // dispatch dispatches event at target and returns false if it was
    // cancelled. A listener's exception is reported, or, if onError is
    // given, passed to it; onError may throw to end the dispatch.
    dispatch(target, event, onError = undefined) {
      const r = eventRecOf(event);
      if (r.dispatching) throw new DOMException("The event is already being dispatched.", "InvalidStateError");
      return dispatch(target, event, onError);
    },
    // setTrusted marks an event as made by the runtime (isTrusted).
    setTrusted(event) {
      eventRecOf(event).trusted = true;
    },
    reportException,
    defineEventHandler,
  }),
);
