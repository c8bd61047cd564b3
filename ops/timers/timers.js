// setTimeout, setInterval, clearTimeout, clearInterval and queueMicrotask.
// In JS: the timer ids, each timer's callback and arguments, argument
// conversion and the reporting of exceptions a callback throws (logged as
// "Uncaught ...", never breaking other timers). In Go: the deadlines, and
// waking the isolate when one is due (op_timers_start / op_timers_clear);
// Go calls fire(id) below, as a task of its own charged to the request that
// created the timer.
"use strict";

const uncurryThis = (fn) => Function.prototype.call.bind(fn);
const ReflectApply = Reflect.apply;
const TypeErrorCtor = TypeError;
const StringCtor = String;
const MapCtor = Map;
const MapPrototypeGet = uncurryThis(Map.prototype.get);
const MapPrototypeSet = uncurryThis(Map.prototype.set);
const MapPrototypeHas = uncurryThis(Map.prototype.has);
const MapPrototypeDelete = uncurryThis(Map.prototype.delete);
const PromisePrototypeThen = uncurryThis(Promise.prototype.then);
const ObjectPrototypeIsPrototypeOf = uncurryThis(Object.prototype.isPrototypeOf);
const ErrorPrototype = Error.prototype;
const resolved = Promise.resolve();
const global = globalThis;

// id -> { callback, args, repeat }
const timers = new MapCtor();
let nextId = 1;

// report logs an exception a callback threw, as uncaught: through
// core.logError when the runtime has it (the stack is then mapped to the
// worker's own files), else as one console error line.
function report(err) {
  // With the events family, an exception is reported as HTML says: an
  // "error" event at globalThis first, which a listener may cancel.
  let events = null;
  try {
    events = core.use("events");
  } catch {}
  if (events !== null) {
    events.reportException(err);
    return;
  }
  let text;
  try {
    if (err !== null && typeof err === "object" && ObjectPrototypeIsPrototypeOf(ErrorPrototype, err)) {
      text = `${err.name}: ${err.message}`;
    } else {
      let inspect;
      try {
        inspect = core.use("inspect");
      } catch {
        inspect = StringCtor;
      }
      text = inspect(err);
    }
  } catch {
    text = "exception (not convertible to a string)";
  }
  if (typeof core.logError === "function") {
    core.logError(`Uncaught ${text}`, err);
    return;
  }
  let stack = "";
  try {
    if (typeof err.stack === "string") stack = err.stack;
  } catch {}
  core.log("error", stack !== "" ? `Uncaught ${stack}` : `Uncaught ${text}`);
}

// toTimeout converts a delay as Web IDL's `long` does, negatives to 0.
function toTimeout(timeout) {
  if (timeout === undefined) return 0;
  const ms = +timeout | 0; // unary + throws for symbols and bigints, as Web IDL's ToNumber does
  return ms < 0 ? 0 : ms;
}

function start(method, callback, timeout, args, repeat) {
  if (typeof callback !== "function") {
    const what = typeof callback === "string" ? "a string (Workers do not evaluate code from strings)" : `of type ${typeof callback}`;
    throw new TypeErrorCtor(`Failed to execute '${method}': the callback is ${what}, not a function.`);
  }
  const ms = toTimeout(timeout);
  const id = nextId++;
  MapPrototypeSet(timers, id, { callback, args, repeat });
  ops.op_timers_start(id, ms, repeat);
  return id;
}

function setTimeout(callback, timeout = 0, ...args) {
  return start("setTimeout", callback, timeout, args, false);
}

function setInterval(callback, timeout = 0, ...args) {
  return start("setInterval", callback, timeout, args, true);
}

// clear cancels a timer of either kind: they share one list of ids.
function clear(id) {
  id = +id | 0;
  if (!MapPrototypeHas(timers, id)) return;
  MapPrototypeDelete(timers, id);
  ops.op_timers_clear(id);
}

function clearTimeout(id = 0) {
  clear(id);
}

function clearInterval(id = 0) {
  clear(id);
}

// fire is called by Go when timer id is due.
function fire(id) {
  const t = MapPrototypeGet(timers, id);
  if (t === undefined) return;
  if (!t.repeat) MapPrototypeDelete(timers, id);
  try {
    ReflectApply(t.callback, global, t.args);
  } catch (e) {
    report(e);
  }
}

function queueMicrotask(callback) {
  if (arguments.length < 1) {
    throw new TypeErrorCtor("Failed to execute 'queueMicrotask': 1 argument required, but only 0 present.");
  }
  if (typeof callback !== "function") {
    throw new TypeErrorCtor("Failed to execute 'queueMicrotask': parameter 1 is not of type 'Function'.");
  }
  PromisePrototypeThen(resolved, () => {
    try {
      callback();
    } catch (e) {
      report(e);
    }
  });
}

ops.op_timers_init(fire);
core.provide("timers", { __proto__: null, setTimeout, clearTimeout });
core.defineGlobal("setTimeout", setTimeout);
core.defineGlobal("setInterval", setInterval);
core.defineGlobal("clearTimeout", clearTimeout);
core.defineGlobal("clearInterval", clearInterval);
core.defineGlobal("queueMicrotask", queueMicrotask);
