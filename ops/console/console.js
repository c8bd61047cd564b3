// The console namespace. In JS: each method formats its arguments with the
// inspect formatter (inspect.js) and hands one entry to core.log(level,
// text), which Go writes to the worker's zap logger under "console";
// counters, timers and group indentation live here. In Go: only the
// monotonic clock behind console.time (op_console_now).
"use strict";

const inspect = core.use("inspect");
const types = core.use("webidl").types;
const format = inspect.format;
const coreLog = core.log;
const uncurryThis = (fn) => Function.prototype.call.bind(fn);
const StringCtor = String;
const ObjectKeys = Object.keys;
const ObjectDefineProperty = Object.defineProperty;
const ObjectHasOwn = Object.hasOwn;
const ArrayIsArray = Array.isArray;
const ArrayPrototypePush = uncurryThis(Array.prototype.push);
const ArrayPrototypeJoin = uncurryThis(Array.prototype.join);
const ArrayPrototypeSlice = uncurryThis(Array.prototype.slice);
const StringPrototypeRepeat = uncurryThis(String.prototype.repeat);
const StringPrototypeReplaceAll = uncurryThis(String.prototype.replaceAll);
const StringPrototypeIndexOf = uncurryThis(String.prototype.indexOf);
const StringPrototypeSlice = uncurryThis(String.prototype.slice);
const StringPrototypePadStart = uncurryThis(String.prototype.padStart);
const NumberPrototypeToFixed = uncurryThis(Number.prototype.toFixed);
const MathMax = Math.max;
const MathFloor = Math.floor;
const MapCtor = Map;
const MapPrototypeGet = uncurryThis(Map.prototype.get);
const MapPrototypeSet = uncurryThis(Map.prototype.set);
const MapPrototypeHas = uncurryThis(Map.prototype.has);
const MapPrototypeDelete = uncurryThis(Map.prototype.delete);
const MapPrototypeEntries = uncurryThis(Map.prototype.entries);
const MapIteratorNext = uncurryThis(Object.getPrototypeOf(new Map().entries()).next);
const SetPrototypeValues = uncurryThis(Set.prototype.values);
const SetIteratorNext = uncurryThis(Object.getPrototypeOf(new Set().values()).next);
const ReflectApply = Reflect.apply;
const ErrorCaptureStackTrace = Error.captureStackTrace;

let groupIndent = "";
const counts = new MapCtor();
const timers = new MapCtor();

function safeString(v) {
  try {
    return StringCtor(v);
  } catch {
    return "[value not convertible to a string]";
  }
}

// emit writes one console entry. Formatting never makes a console method
// throw: an argument that cannot be inspected is reported in its place.
function emit(level, text) {
  if (groupIndent !== "") text = groupIndent + StringPrototypeReplaceAll(text, "\n", `\n${groupIndent}`);
  coreLog(level, text);
}

function formatSafely(args) {
  try {
    return format(args);
  } catch (e) {
    const parts = [];
    for (let i = 0; i < args.length; i++) {
      let s;
      try {
        s = typeof args[i] === "string" ? args[i] : inspect(args[i]);
      } catch (err) {
        s = `[uninspectable value: ${safeString(err && err.message)}]`;
      }
      ArrayPrototypePush(parts, s);
    }
    return ArrayPrototypeJoin(parts, " ");
  }
}

function logger(level) {
  return function (...data) {
    emit(level, formatSafely(data));
  };
}

function labelOf(label) {
  return label === undefined ? "default" : safeString(label);
}

function formatDuration(ms) {
  if (ms < 1000) return `${NumberPrototypeToFixed(ms, 3)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${NumberPrototypeToFixed(s, 3)}s`;
  const m = MathFloor(s / 60);
  const rest = s - m * 60;
  return `${m}:${StringPrototypePadStart(NumberPrototypeToFixed(rest, 3), 6, "0")} (m:ss.mmm)`;
}

function elapsed(label, method) {
  const start = MapPrototypeGet(timers, label);
  if (start === undefined) {
    emit("warn", `Warning: No such label '${label}' for console.${method}()`);
    return undefined;
  }
  return formatDuration(ops.op_console_now() - start);
}

// cell formats a table cell: strings quoted, objects kept short.
function cell(v) {
  return inspect(v, { depth: 1, breakLength: Infinity, maxArrayLength: 3 });
}

// table renders rows (an array of [indexLabel, value]) as a box-drawn
// table; object values spread into columns, others go under "Values".
function renderTable(indexHeader, rows, properties, extraHeader) {
  const columns = [];
  const columnIndex = new MapCtor();
  let hasValues = false;
  const cells = [];
  for (let r = 0; r < rows.length; r++) {
    const value = rows[r][1];
    const row = new MapCtor();
    if (value !== null && (typeof value === "object" || typeof value === "function") && !isPrimitiveLike(value)) {
      const keys = properties !== undefined ? properties : ObjectKeys(value);
      for (let k = 0; k < keys.length; k++) {
        const key = keys[k];
        if (properties !== undefined && !ObjectHasOwn(value, key)) continue;
        if (!MapPrototypeHas(columnIndex, key)) {
          MapPrototypeSet(columnIndex, key, columns.length);
          ArrayPrototypePush(columns, key);
        }
        MapPrototypeSet(row, key, cell(value[key]));
      }
    } else {
      hasValues = true;
      MapPrototypeSet(row, "\0values", cell(value));
    }
    ArrayPrototypePush(cells, row);
  }
  if (properties !== undefined) {
    for (let i = 0; i < properties.length; i++) {
      if (!MapPrototypeHas(columnIndex, properties[i])) {
        MapPrototypeSet(columnIndex, properties[i], columns.length);
        ArrayPrototypePush(columns, properties[i]);
      }
    }
  }
  const header = [indexHeader];
  if (extraHeader !== undefined) ArrayPrototypePush(header, extraHeader);
  for (let i = 0; i < columns.length; i++) ArrayPrototypePush(header, safeString(columns[i]));
  if (hasValues) ArrayPrototypePush(header, "Values");
  const lines = [];
  for (let r = 0; r < rows.length; r++) {
    const line = [safeString(rows[r][0])];
    if (extraHeader !== undefined) ArrayPrototypePush(line, rows[r][2]);
    for (let i = 0; i < columns.length; i++) {
      const c = MapPrototypeGet(cells[r], columns[i]);
      ArrayPrototypePush(line, c === undefined ? "" : c);
    }
    if (hasValues) {
      const c = MapPrototypeGet(cells[r], "\0values");
      ArrayPrototypePush(line, c === undefined ? "" : c);
    }
    ArrayPrototypePush(lines, line);
  }
  const widths = [];
  for (let i = 0; i < header.length; i++) {
    let w = header[i].length;
    for (let r = 0; r < lines.length; r++) w = MathMax(w, lines[r][i].length);
    ArrayPrototypePush(widths, w + 2);
  }
  const border = (l, m, r) => {
    let s = l;
    for (let i = 0; i < widths.length; i++) s += (i === 0 ? "" : m) + StringPrototypeRepeat("─", widths[i]);
    return s + r;
  };
  const row = (values) => {
    let s = "│";
    for (let i = 0; i < widths.length; i++) {
      s += ` ${values[i]}${StringPrototypeRepeat(" ", widths[i] - 1 - values[i].length)}│`;
    }
    return s;
  };
  const out = [border("┌", "┬", "┐"), row(header), border("├", "┼", "┤")];
  for (let r = 0; r < lines.length; r++) ArrayPrototypePush(out, row(lines[r]));
  ArrayPrototypePush(out, border("└", "┴", "┘"));
  return ArrayPrototypeJoin(out, "\n");
}

// isPrimitiveLike says whether a table row value is a Date, which reads
// better whole than spread into columns.
function isPrimitiveLike(v) {
  return types.isDate(v);
}

// group indents what follows; groupCollapsed is the same, as a log has
// nothing to collapse.
function group(...label) {
  if (label.length > 0) emit("log", formatSafely(label));
  groupIndent += "  ";
}

const console = {
  log: logger("log"),
  info: logger("info"),
  debug: logger("debug"),
  warn: logger("warn"),
  error: logger("error"),
  dirxml: logger("log"),

  trace(...data) {
    const holder = {};
    ErrorCaptureStackTrace(holder, console.trace);
    const stack = typeof holder.stack === "string" ? holder.stack : "";
    const nl = StringPrototypeIndexOf(stack, "\n");
    const frames = nl === -1 ? "" : StringPrototypeSlice(stack, nl);
    const message = data.length === 0 ? "Trace" : `Trace: ${formatSafely(data)}`;
    emit("log", message + frames);
  },

  dir(item, options) {
    let text;
    try {
      text = inspect(item, options);
    } catch (e) {
      text = `[uninspectable value: ${safeString(e && e.message)}]`;
    }
    emit("log", text);
  },

  table(data, properties) {
    if (data === null || typeof data !== "object") {
      emit("log", formatSafely([data]));
      return;
    }
    try {
      const props = ArrayIsArray(properties) ? ArrayPrototypeSlice(properties) : undefined;
      const rows = [];
      let text;
      if (types.isMap(data)) {
        const it = MapPrototypeEntries(data);
        let i = 0;
        for (let r = MapIteratorNext(it); !r.done; r = MapIteratorNext(it)) {
          ArrayPrototypePush(rows, [i++, r.value[1], cell(r.value[0])]);
        }
        text = renderTable("(iteration index)", rows, props, "Key");
      } else {
        if (types.isSet(data)) {
          const set = SetPrototypeValues(data);
          let i = 0;
          for (let r = SetIteratorNext(set); !r.done; r = SetIteratorNext(set)) ArrayPrototypePush(rows, [i++, r.value]);
          text = renderTable("(iteration index)", rows, props);
        } else {
          const keys = ObjectKeys(data);
          for (let i = 0; i < keys.length; i++) ArrayPrototypePush(rows, [keys[i], data[keys[i]]]);
          text = renderTable("(index)", rows, props);
        }
      }
      emit("log", text);
    } catch {
      emit("log", formatSafely([data]));
    }
  },

  assert(condition, ...data) {
    if (condition) return;
    if (data.length === 0) emit("error", "Assertion failed");
    else if (typeof data[0] === "string") {
      data[0] = `Assertion failed: ${data[0]}`;
      emit("error", formatSafely(data));
    } else emit("error", `Assertion failed: ${formatSafely(data)}`);
  },

  count(label) {
    label = labelOf(label);
    const n = (MapPrototypeGet(counts, label) || 0) + 1;
    MapPrototypeSet(counts, label, n);
    emit("info", `${label}: ${n}`);
  },

  countReset(label) {
    label = labelOf(label);
    if (!MapPrototypeHas(counts, label)) {
      emit("warn", `Count for '${label}' does not exist`);
      return;
    }
    MapPrototypeSet(counts, label, 0);
  },

  time(label) {
    label = labelOf(label);
    if (MapPrototypeHas(timers, label)) {
      emit("warn", `Warning: Label '${label}' already exists for console.time()`);
      return;
    }
    MapPrototypeSet(timers, label, ops.op_console_now());
  },

  timeLog(label, ...data) {
    label = labelOf(label);
    const d = elapsed(label, "timeLog");
    if (d === undefined) return;
    emit("info", data.length === 0 ? `${label}: ${d}` : `${label}: ${d} ${formatSafely(data)}`);
  },

  timeEnd(label) {
    label = labelOf(label);
    const d = elapsed(label, "timeEnd");
    if (d === undefined) return;
    MapPrototypeDelete(timers, label);
    emit("info", `${label}: ${d}`);
  },

  group,
  groupCollapsed(...label) {
    ReflectApply(group, undefined, label);
  },

  groupEnd() {
    groupIndent = StringPrototypeSlice(groupIndent, 0, MathMax(0, groupIndent.length - 2));
  },

  clear() {},
  profile() {},
  profileEnd() {},
  timeStamp() {},
};

for (const name of ObjectKeys(console)) {
  ObjectDefineProperty(console[name], "name", { value: name });
}

ObjectDefineProperty(console, Symbol.toStringTag, {
  value: "console",
  writable: false,
  enumerable: false,
  configurable: true,
});

core.defineGlobal("console", console);
