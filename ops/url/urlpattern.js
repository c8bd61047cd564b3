// The URLPattern class of the WHATWG URL Pattern Standard. Done here in
// JS: the class and its WebIDL conversions, the constructor string parser,
// the pattern tokenizer and parser, the generation of each component's
// regular expression (a V8 RegExp with the "v" flag, as the standard says)
// and of its normalized pattern string, and matching. Done in Go
// (urlpattern.go, op_url_pattern_canon): the canonicalization of the fixed
// text in a pattern and of the components of a URLPatternInit given to
// test() or exec(), which runs the WHATWG URL parser with a state override
// on a dummy URL; a URL string given to test() or exec() is parsed with the
// URL class of url.js. Compiling a pattern costs one trip to Go per piece
// of fixed text; matching a URL string costs at most one (the parse).
"use strict";

const uncurryThis = (fn) => Function.prototype.call.bind(fn);
const ArrayPrototypePush = uncurryThis(Array.prototype.push);
const ArrayPrototypeJoin = uncurryThis(Array.prototype.join);
const ArrayPrototypeSlice = uncurryThis(Array.prototype.slice);
const ObjectCreate = Object.create;
const ObjectDefineProperty = Object.defineProperty;
const ObjectFreeze = Object.freeze;
const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const ReflectOwnKeys = Reflect.ownKeys;
const RegExpCtor = RegExp;
const RegExpPrototypeExec = uncurryThis(RegExp.prototype.exec);
const StringCtor = String;
const StringFromCodePoint = String.fromCodePoint;
const StringPrototypeCodePointAt = uncurryThis(String.prototype.codePointAt);
const StringPrototypeLastIndexOf = uncurryThis(String.prototype.lastIndexOf);
const StringPrototypeSlice = uncurryThis(String.prototype.slice);
const StringPrototypeToLowerCase = uncurryThis(String.prototype.toLowerCase);
const StringPrototypeToWellFormed = uncurryThis(String.prototype.toWellFormed);
const StringPrototypeIncludes = uncurryThis(String.prototype.includes);
const SymbolToStringTag = Symbol.toStringTag;
const TypeErrorCtor = TypeError;
const JSONStringify = JSON.stringify;

const { URL } = core.use("url");
const urlGetter = (name) => uncurryThis(ObjectGetOwnPropertyDescriptor(URL.prototype, name).get);
const URLGetHref = urlGetter("href");
const URLGetProtocol = urlGetter("protocol");
const URLGetUsername = urlGetter("username");
const URLGetPassword = urlGetter("password");
const URLGetHostname = urlGetter("hostname");
const URLGetPort = urlGetter("port");
const URLGetPathname = urlGetter("pathname");
const URLGetSearch = urlGetter("search");
const URLGetHash = urlGetter("hash");

const opCanon = ops.op_url_pattern_canon;

// The kinds of op_url_pattern_canon; also in urlpattern.go (canonProtocol...).
const CANON_PROTOCOL = 0;
const CANON_USERNAME = 1;
const CANON_PASSWORD = 2;
const CANON_HOSTNAME = 3;
const CANON_PORT = 4;
const CANON_PATHNAME = 5;
const CANON_OPAQUE_PATHNAME = 6;
const CANON_SEARCH = 7;
const CANON_HASH = 8;
const canonNames = ["protocol", "username", "password", "hostname", "port", "pathname", "pathname", "search", "hash"];

function canon(kind, value, protocol = undefined) {
  if (value === "") return "";
  const r = protocol === undefined ? opCanon(kind, value) : opCanon(kind, value, protocol);
  if (r === false) throw new TypeErrorCtor(`Invalid ${canonNames[kind]} ${JSONStringify(value)}.`);
  return r;
}

// Each component's encoding callback, as compile a component takes it.
const canonicalizeProtocol = (v) => canon(CANON_PROTOCOL, v);
const canonicalizeUsername = (v) => canon(CANON_USERNAME, v);
const canonicalizePassword = (v) => canon(CANON_PASSWORD, v);
const canonicalizeHostname = (v) => canon(CANON_HOSTNAME, v);
const canonicalizePort = (v) => canon(CANON_PORT, v);
const canonicalizePathname = (v) => canon(CANON_PATHNAME, v);
const canonicalizeOpaquePathname = (v) => canon(CANON_OPAQUE_PATHNAME, v);
const canonicalizeSearch = (v) => canon(CANON_SEARCH, v);
const canonicalizeHash = (v) => canon(CANON_HASH, v);

const ipv6Char = /^[0-9A-Fa-f[\]:]$/;
function canonicalizeIPv6Hostname(value) {
  let result = "";
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (RegExpPrototypeExec(ipv6Char, c) === null) {
      throw new TypeErrorCtor(`Invalid IPv6 hostname ${JSONStringify(value)}: ${JSONStringify(c)} is not allowed.`);
    }
    result += StringPrototypeToLowerCase(c);
  }
  return result;
}

const specialSchemes = ["ftp", "file", "http", "https", "ws", "wss"];
const defaultPorts = { __proto__: null, ftp: "21", http: "80", https: "443", ws: "80", wss: "443" };
const isSpecialScheme = (s) => s === "ftp" || s === "file" || s === "http" || s === "https" || s === "ws" || s === "wss";

// --- tokenizer ---------------------------------------------------------------

// Token types.
const T_OPEN = "open";
const T_CLOSE = "close";
const T_REGEXP = "regexp";
const T_NAME = "name";
const T_CHAR = "char";
const T_ESCAPED = "escaped-char";
const T_MODIFIER = "other-modifier";
const T_ASTERISK = "asterisk";
const T_END = "end";
const T_INVALID = "invalid-char";

const idStart = /^[\p{ID_Start}$_]$/u;
const idPart = /^[\p{ID_Continue}$\u200C\u200D]$/u;
function isValidNameCodePoint(c, first) {
  return RegExpPrototypeExec(first ? idStart : idPart, c) !== null;
}

// codePoints splits s into its code points (lone surrogates included).
function codePoints(s) {
  const out = [];
  for (let i = 0; i < s.length; ) {
    const cp = StringPrototypeCodePointAt(s, i);
    const c = StringFromCodePoint(cp);
    ArrayPrototypePush(out, c);
    i += c.length;
  }
  return out;
}

const join = (cps, from, to) => ArrayPrototypeJoin(ArrayPrototypeSlice(cps, from, to), "");

// tokenize is the standard's tokenizer over code points; policy "strict"
// throws on an error, "lenient" turns it into an invalid-char token.
function tokenize(input, strict) {
  const cps = codePoints(input);
  const n = cps.length;
  const tokens = [];
  let index = 0;
  let next = 0;
  let cp;
  const getNext = () => {
    cp = cps[next];
    next++;
  };
  const seek = (i) => {
    next = i;
    getNext();
  };
  const add = (type, nextPos, valuePos, valueLen) => {
    ArrayPrototypePush(tokens, { type, index, value: join(cps, valuePos, valuePos + valueLen) });
    index = nextPos;
  };
  const addDefault = (type, nextPos, valuePos) => add(type, nextPos, valuePos, nextPos - valuePos);
  const error = (nextPos, valuePos, why) => {
    if (strict) throw new TypeErrorCtor(`${why} at index ${valuePos} in ${JSONStringify(input)}.`);
    addDefault(T_INVALID, nextPos, valuePos);
  };
  while (index < n) {
    seek(index);
    if (cp === "*") {
      addDefault(T_ASTERISK, next, index);
      continue;
    }
    if (cp === "+" || cp === "?") {
      addDefault(T_MODIFIER, next, index);
      continue;
    }
    if (cp === "\\") {
      if (index === n - 1) {
        error(next, index, "Trailing backslash");
        continue;
      }
      const escapedIndex = next;
      getNext();
      addDefault(T_ESCAPED, next, escapedIndex);
      continue;
    }
    if (cp === "{") {
      addDefault(T_OPEN, next, index);
      continue;
    }
    if (cp === "}") {
      addDefault(T_CLOSE, next, index);
      continue;
    }
    if (cp === ":") {
      let pos = next;
      const start = pos;
      while (pos < n) {
        seek(pos);
        if (!isValidNameCodePoint(cp, pos === start)) break;
        pos = next;
      }
      if (pos <= start) {
        error(start, index, "Missing group name after ':'");
        continue;
      }
      addDefault(T_NAME, pos, start);
      continue;
    }
    if (cp === "(") {
      let depth = 1;
      let pos = next;
      const start = pos;
      let err = false;
      while (pos < n) {
        seek(pos);
        if (StringPrototypeCodePointAt(cp, 0) > 0x7f) {
          error(start, index, "Non-ASCII character in a regexp group");
          err = true;
          break;
        }
        if (pos === start && cp === "?") {
          error(start, index, "A regexp group may not start with '?'");
          err = true;
          break;
        }
        if (cp === "\\") {
          if (pos === n - 1) {
            error(start, index, "Trailing backslash in a regexp group");
            err = true;
            break;
          }
          getNext();
          if (StringPrototypeCodePointAt(cp, 0) > 0x7f) {
            error(start, index, "Non-ASCII character in a regexp group");
            err = true;
            break;
          }
          pos = next;
          continue;
        }
        if (cp === ")") {
          depth--;
          if (depth === 0) {
            pos = next;
            break;
          }
        } else if (cp === "(") {
          depth++;
          if (pos === n - 1) {
            error(start, index, "Unterminated regexp group");
            err = true;
            break;
          }
          const tmp = next;
          getNext();
          if (cp !== "?") {
            error(start, index, "Capturing groups are not allowed inside a regexp group (use '(?:')");
            err = true;
            break;
          }
          next = tmp;
        }
        pos = next;
      }
      if (err) continue;
      if (depth !== 0) {
        error(start, index, "Unbalanced regexp group");
        continue;
      }
      const len = pos - start - 1;
      if (len === 0) {
        error(start, index, "Empty regexp group");
        continue;
      }
      add(T_REGEXP, pos, start, len);
      continue;
    }
    addDefault(T_CHAR, next, index);
  }
  addDefault(T_END, index, index);
  return tokens;
}

// --- pattern parser ----------------------------------------------------------

// Part types and modifiers.
const P_FIXED = "fixed-text";
const P_REGEXP = "regexp";
const P_SEGMENT = "segment-wildcard";
const P_FULL = "full-wildcard";
const M_NONE = "";
const M_OPTIONAL = "?";
const M_ZERO_OR_MORE = "*";
const M_ONE_OR_MORE = "+";
const FULL_WILDCARD = ".*";

function escapeRegexpString(s) {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (StringPrototypeIncludes(".+*?^${}()[]|/\\", c)) out += "\\";
    out += c;
  }
  return out;
}

function escapePatternString(s) {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (StringPrototypeIncludes("+*?:{}()\\", c)) out += "\\";
    out += c;
  }
  return out;
}

const segmentWildcardRegexp = (options) => "[^" + escapeRegexpString(options.delimiter) + "]+?";

// parsePattern turns a pattern string into its part list.
function parsePattern(input, options, encode) {
  const tokens = tokenize(input, true);
  const segmentWildcard = segmentWildcardRegexp(options);
  const parts = [];
  let pending = "";
  let i = 0;
  let nextNumericName = 0;
  const tryConsume = (type) => {
    const t = tokens[i];
    if (t.type !== type) return null;
    i++;
    return t;
  };
  const tryConsumeModifier = () => tryConsume(T_MODIFIER) || tryConsume(T_ASTERISK);
  const tryConsumeRegexpOrWildcard = (nameToken) => {
    const t = tryConsume(T_REGEXP);
    if (nameToken === null && t === null) return tryConsume(T_ASTERISK);
    return t;
  };
  const consumeRequired = (type) => {
    const t = tryConsume(type);
    if (t === null) {
      const got = tokens[i];
      const what = got.type === T_END ? "the end of the pattern" : `${JSONStringify(got.value)} at index ${got.index}`;
      throw new TypeErrorCtor(`Expected ${type === T_END ? "the end of the pattern" : "'}'"} but found ${what} in ${JSONStringify(input)}.`);
    }
    return t;
  };
  const consumeText = () => {
    let out = "";
    for (;;) {
      const t = tryConsume(T_CHAR) || tryConsume(T_ESCAPED);
      if (t === null) return out;
      out += t.value;
    }
  };
  const flushPending = () => {
    if (pending === "") return;
    const value = encode(pending);
    pending = "";
    ArrayPrototypePush(parts, { type: P_FIXED, value, modifier: M_NONE, name: "", prefix: "", suffix: "" });
  };
  const addPart = (prefix, nameToken, regexpToken, suffix, modifierToken) => {
    const modifier = modifierToken === null ? M_NONE : modifierToken.value;
    if (nameToken === null && regexpToken === null && modifier === M_NONE) {
      pending += prefix;
      return;
    }
    flushPending();
    if (nameToken === null && regexpToken === null) {
      if (prefix === "") return;
      ArrayPrototypePush(parts, { type: P_FIXED, value: encode(prefix), modifier, name: "", prefix: "", suffix: "" });
      return;
    }
    let value;
    if (regexpToken === null) value = segmentWildcard;
    else if (regexpToken.type === T_ASTERISK) value = FULL_WILDCARD;
    else value = regexpToken.value;
    let type = P_REGEXP;
    if (value === segmentWildcard) {
      type = P_SEGMENT;
      value = "";
    } else if (value === FULL_WILDCARD) {
      type = P_FULL;
      value = "";
    }
    let name = "";
    if (nameToken !== null) name = nameToken.value;
    else name = StringCtor(nextNumericName++);
    for (let k = 0; k < parts.length; k++) {
      if (parts[k].name === name) throw new TypeErrorCtor(`Duplicate group name ${JSONStringify(name)} in ${JSONStringify(input)}.`);
    }
    const encodedPrefix = encode(prefix);
    const encodedSuffix = encode(suffix);
    ArrayPrototypePush(parts, { type, value, modifier, name, prefix: encodedPrefix, suffix: encodedSuffix });
  };
  while (i < tokens.length) {
    const charToken = tryConsume(T_CHAR);
    let nameToken = tryConsume(T_NAME);
    let regexpToken = tryConsumeRegexpOrWildcard(nameToken);
    if (nameToken !== null || regexpToken !== null) {
      let prefix = charToken !== null ? charToken.value : "";
      if (prefix !== "" && prefix !== options.prefix) {
        pending += prefix;
        prefix = "";
      }
      flushPending();
      const modifierToken = tryConsumeModifier();
      addPart(prefix, nameToken, regexpToken, "", modifierToken);
      continue;
    }
    const fixedToken = charToken !== null ? charToken : tryConsume(T_ESCAPED);
    if (fixedToken !== null) {
      pending += fixedToken.value;
      continue;
    }
    const openToken = tryConsume(T_OPEN);
    if (openToken !== null) {
      const prefix = consumeText();
      nameToken = tryConsume(T_NAME);
      regexpToken = tryConsumeRegexpOrWildcard(nameToken);
      const suffix = consumeText();
      consumeRequired(T_CLOSE);
      const modifierToken = tryConsumeModifier();
      addPart(prefix, nameToken, regexpToken, suffix, modifierToken);
      continue;
    }
    flushPending();
    consumeRequired(T_END);
  }
  return parts;
}

// generateRegExp returns the regular expression source and the group
// names of a part list.
function generateRegExp(parts, options) {
  let result = "^";
  const names = [];
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k];
    if (part.type === P_FIXED) {
      if (part.modifier === M_NONE) result += escapeRegexpString(part.value);
      else result += "(?:" + escapeRegexpString(part.value) + ")" + part.modifier;
      continue;
    }
    ArrayPrototypePush(names, part.name);
    let value = part.value;
    if (part.type === P_SEGMENT) value = segmentWildcardRegexp(options);
    else if (part.type === P_FULL) value = FULL_WILDCARD;
    if (part.prefix === "" && part.suffix === "") {
      if (part.modifier === M_NONE || part.modifier === M_OPTIONAL) result += "(" + value + ")" + part.modifier;
      else result += "((?:" + value + ")" + part.modifier + ")";
      continue;
    }
    const prefix = escapeRegexpString(part.prefix);
    const suffix = escapeRegexpString(part.suffix);
    if (part.modifier === M_NONE || part.modifier === M_OPTIONAL) {
      result += "(?:" + prefix + "(" + value + ")" + suffix + ")" + part.modifier;
      continue;
    }
    result += "(?:" + prefix + "((?:" + value + ")(?:" + suffix + prefix + "(?:" + value + "))*)" + suffix + ")";
    if (part.modifier === M_ZERO_OR_MORE) result += "?";
  }
  return [result + "$", names];
}

const isASCIIDigit = (c) => c !== undefined && c >= "0" && c <= "9";
const firstCodePoint = (s) => StringFromCodePoint(StringPrototypeCodePointAt(s, 0));

// generatePatternString is the normalized pattern string of a part list.
function generatePatternString(parts, options) {
  let result = "";
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k];
    const previous = k > 0 ? parts[k - 1] : null;
    const next = k < parts.length - 1 ? parts[k + 1] : null;
    if (part.type === P_FIXED) {
      if (part.modifier === M_NONE) {
        result += escapePatternString(part.value);
        continue;
      }
      result += "{" + escapePatternString(part.value) + "}" + part.modifier;
      continue;
    }
    const customName = !isASCIIDigit(part.name[0]);
    let needsGrouping = part.suffix !== "" || (part.prefix !== "" && part.prefix !== options.prefix);
    if (!needsGrouping && customName && part.type === P_SEGMENT && part.modifier === M_NONE && next !== null && next.prefix === "" && next.suffix === "") {
      if (next.type === P_FIXED) needsGrouping = next.value !== "" && isValidNameCodePoint(firstCodePoint(next.value), false);
      else needsGrouping = isASCIIDigit(next.name[0]);
    }
    if (!needsGrouping && part.prefix === "" && previous !== null && previous.type === P_FIXED && previous.value !== "" && previous.value[previous.value.length - 1] === options.prefix) {
      needsGrouping = true;
    }
    if (needsGrouping) result += "{";
    result += escapePatternString(part.prefix);
    if (customName) result += ":" + part.name;
    if (part.type === P_REGEXP) result += "(" + part.value + ")";
    else if (part.type === P_SEGMENT && !customName) result += "(" + segmentWildcardRegexp(options) + ")";
    else if (part.type === P_FULL) {
      if (!customName && (previous === null || previous.type === P_FIXED || previous.modifier !== M_NONE || needsGrouping || part.prefix !== "")) {
        result += "*";
      } else {
        result += "(" + FULL_WILDCARD + ")";
      }
    }
    if (part.type === P_SEGMENT && customName && part.suffix !== "" && isValidNameCodePoint(firstCodePoint(part.suffix), false)) {
      result += "\\";
    }
    result += escapePatternString(part.suffix);
    if (needsGrouping) result += "}";
    result += part.modifier;
  }
  return result;
}

const defaultOptions = { delimiter: "", prefix: "", ignoreCase: false };
const hostnameOptions = { delimiter: ".", prefix: "", ignoreCase: false };

// compileComponent is the standard's "compile a component".
function compileComponent(name, input, encode, options) {
  const parts = parsePattern(input, options, encode);
  const generated = generateRegExp(parts, options);
  const names = generated[1];
  let regexp;
  try {
    regexp = new RegExpCtor(generated[0], options.ignoreCase ? "vi" : "v");
  } catch (e) {
    throw new TypeErrorCtor(`Invalid ${name} pattern ${JSONStringify(input)}: ${e.message}`);
  }
  let hasRegExpGroups = false;
  for (let k = 0; k < parts.length; k++) if (parts[k].type === P_REGEXP) hasRegExpGroups = true;
  return { pattern: generatePatternString(parts, options), regexp, names, hasRegExpGroups };
}

function protocolComponentMatchesSpecialScheme(component) {
  for (let k = 0; k < specialSchemes.length; k++) {
    if (RegExpPrototypeExec(component.regexp, specialSchemes[k]) !== null) return true;
  }
  return false;
}

function hostnamePatternIsIPv6(input) {
  if (input.length < 2) return false;
  return input[0] === "[" || ((input[0] === "{" || input[0] === "\\") && input[1] === "[");
}

// --- constructor string parser -----------------------------------------------

const S_INIT = 0;
const S_PROTOCOL = 1;
const S_AUTHORITY = 2;
const S_USERNAME = 3;
const S_PASSWORD = 4;
const S_HOSTNAME = 5;
const S_PORT = 6;
const S_PATHNAME = 7;
const S_SEARCH = 8;
const S_HASH = 9;
const S_DONE = 10;
const stateKeys = [null, "protocol", null, "username", "password", "hostname", "port", "pathname", "search", "hash", null];

function parseConstructorString(input) {
  const cps = codePoints(input);
  const tokens = tokenize(input, false);
  const result = ObjectCreate(null);
  let componentStart = 0;
  let tokenIndex = 0;
  let tokenIncrement = 1;
  let groupDepth = 0;
  let ipv6Depth = 0;
  let protocolMatchesSpecial = false;
  let state = S_INIT;

  const safeToken = (i) => (i < tokens.length ? tokens[i] : tokens[tokens.length - 1]);
  const isNonSpecialPatternChar = (i, value) => {
    const t = safeToken(i);
    if (t.value !== value) return false;
    return t.type === T_CHAR || t.type === T_ESCAPED || t.type === T_INVALID;
  };
  const isProtocolSuffix = () => isNonSpecialPatternChar(tokenIndex, ":");
  const nextIsAuthoritySlashes = () => isNonSpecialPatternChar(tokenIndex + 1, "/") && isNonSpecialPatternChar(tokenIndex + 2, "/");
  const isIdentityTerminator = () => isNonSpecialPatternChar(tokenIndex, "@");
  const isPasswordPrefix = () => isNonSpecialPatternChar(tokenIndex, ":");
  const isPortPrefix = () => isNonSpecialPatternChar(tokenIndex, ":");
  const isPathnameStart = () => isNonSpecialPatternChar(tokenIndex, "/");
  const isSearchPrefix = () => {
    if (isNonSpecialPatternChar(tokenIndex, "?")) return true;
    if (tokens[tokenIndex].value !== "?") return false;
    if (tokenIndex - 1 < 0) return true;
    const prev = safeToken(tokenIndex - 1);
    return !(prev.type === T_NAME || prev.type === T_REGEXP || prev.type === T_CLOSE || prev.type === T_ASTERISK);
  };
  const isHashPrefix = () => isNonSpecialPatternChar(tokenIndex, "#");
  const isIPv6Open = () => isNonSpecialPatternChar(tokenIndex, "[");
  const isIPv6Close = () => isNonSpecialPatternChar(tokenIndex, "]");
  const makeComponentString = () => join(cps, safeToken(componentStart).index, tokens[tokenIndex].index);
  const rewind = () => {
    tokenIndex = componentStart;
    tokenIncrement = 0;
  };
  const rewindAndSetState = (s) => {
    rewind();
    state = s;
  };
  const changeState = (newState, skip) => {
    if (state !== S_INIT && state !== S_AUTHORITY && state !== S_DONE) result[stateKeys[state]] = makeComponentString();
    if (state !== S_INIT && newState !== S_DONE) {
      if (state >= S_PROTOCOL && state <= S_PASSWORD && newState >= S_PORT && newState <= S_HASH && result.hostname === undefined) {
        result.hostname = "";
      }
      if (state >= S_PROTOCOL && state <= S_PORT && (newState === S_SEARCH || newState === S_HASH) && result.pathname === undefined) {
        result.pathname = protocolMatchesSpecial ? "/" : "";
      }
      if (state >= S_PROTOCOL && state <= S_PATHNAME && newState === S_HASH && result.search === undefined) {
        result.search = "";
      }
    }
    state = newState;
    tokenIndex += skip;
    componentStart = tokenIndex;
    tokenIncrement = 0;
  };

  while (tokenIndex < tokens.length) {
    tokenIncrement = 1;
    if (tokens[tokenIndex].type === T_END) {
      if (state === S_INIT) {
        rewind();
        if (isHashPrefix()) changeState(S_HASH, 1);
        else if (isSearchPrefix()) changeState(S_SEARCH, 1);
        else changeState(S_PATHNAME, 0);
        tokenIndex += tokenIncrement;
        continue;
      }
      if (state === S_AUTHORITY) {
        rewindAndSetState(S_HOSTNAME);
        tokenIndex += tokenIncrement;
        continue;
      }
      changeState(S_DONE, 0);
      break;
    }
    if (tokens[tokenIndex].type === T_OPEN) {
      groupDepth++;
      tokenIndex += tokenIncrement;
      continue;
    }
    if (groupDepth > 0) {
      if (tokens[tokenIndex].type === T_CLOSE) groupDepth--;
      else {
        tokenIndex += tokenIncrement;
        continue;
      }
    }
    switch (state) {
      case S_INIT:
        if (isProtocolSuffix()) rewindAndSetState(S_PROTOCOL);
        break;
      case S_PROTOCOL:
        if (isProtocolSuffix()) {
          const protocolComponent = compileComponent("protocol", makeComponentString(), canonicalizeProtocol, defaultOptions);
          if (protocolComponentMatchesSpecialScheme(protocolComponent)) protocolMatchesSpecial = true;
          let nextState = S_PATHNAME;
          let skip = 1;
          if (nextIsAuthoritySlashes()) {
            nextState = S_AUTHORITY;
            skip = 3;
          } else if (protocolMatchesSpecial) nextState = S_AUTHORITY;
          changeState(nextState, skip);
        }
        break;
      case S_AUTHORITY:
        if (isIdentityTerminator()) rewindAndSetState(S_USERNAME);
        else if (isPathnameStart() || isSearchPrefix() || isHashPrefix()) rewindAndSetState(S_HOSTNAME);
        break;
      case S_USERNAME:
        if (isPasswordPrefix()) changeState(S_PASSWORD, 1);
        else if (isIdentityTerminator()) changeState(S_HOSTNAME, 1);
        break;
      case S_PASSWORD:
        if (isIdentityTerminator()) changeState(S_HOSTNAME, 1);
        break;
      case S_HOSTNAME:
        if (isIPv6Open()) ipv6Depth++;
        else if (isIPv6Close()) ipv6Depth--;
        else if (isPortPrefix() && ipv6Depth === 0) changeState(S_PORT, 1);
        else if (isPathnameStart()) changeState(S_PATHNAME, 0);
        else if (isSearchPrefix()) changeState(S_SEARCH, 1);
        else if (isHashPrefix()) changeState(S_HASH, 1);
        break;
      case S_PORT:
        if (isPathnameStart()) changeState(S_PATHNAME, 0);
        else if (isSearchPrefix()) changeState(S_SEARCH, 1);
        else if (isHashPrefix()) changeState(S_HASH, 1);
        break;
      case S_PATHNAME:
        if (isSearchPrefix()) changeState(S_SEARCH, 1);
        else if (isHashPrefix()) changeState(S_HASH, 1);
        break;
      case S_SEARCH:
        if (isHashPrefix()) changeState(S_HASH, 1);
        break;
    }
    tokenIndex += tokenIncrement;
  }
  if (result.hostname !== undefined && result.port === undefined) result.port = "";
  return result;
}

// --- URLPatternInit processing -----------------------------------------------

const initKeys = ["protocol", "username", "password", "hostname", "port", "pathname", "search", "hash"];

// parseBase parses a base URL into the record fields the standard reads.
function parseBase(href) {
  let u;
  try {
    u = new URL(href);
  } catch {
    return null;
  }
  const protocol = URLGetProtocol(u);
  const full = URLGetHref(u);
  const search = URLGetSearch(u);
  const hash = URLGetHash(u);
  return {
    scheme: StringPrototypeSlice(protocol, 0, -1),
    username: URLGetUsername(u),
    password: URLGetPassword(u),
    host: URLGetHostname(u),
    port: URLGetPort(u),
    path: URLGetPathname(u),
    query: search === "" ? "" : StringPrototypeSlice(search, 1),
    fragment: hash === "" ? "" : StringPrototypeSlice(hash, 1),
    // A serialized URL has an opaque path exactly when no "/" follows
    // its scheme's ":".
    opaquePath: full[protocol.length] !== "/",
  };
}

const processBaseURLString = (input, type) => (type !== "pattern" ? input : escapePatternString(input));

function isAbsolutePathname(input, type) {
  if (input === "") return false;
  if (input[0] === "/") return true;
  if (type === "url") return false;
  if (input.length < 2) return false;
  return (input[0] === "\\" || input[0] === "{") && input[1] === "/";
}

// processInit is the standard's "process a URLPatternInit"; init is a
// null-prototype record of the members present, defaults the values
// before it (all null for "pattern", "" for "url").
function processInit(init, type, defaults) {
  const result = ObjectCreate(null);
  if (defaults !== null) for (let k = 0; k < initKeys.length; k++) result[initKeys[k]] = defaults;
  const has = (k) => init[k] !== undefined;
  let base = null;
  if (has("baseURL")) {
    base = parseBase(init.baseURL);
    if (base === null) throw new TypeErrorCtor(`Invalid base URL ${JSONStringify(init.baseURL)}.`);
    if (!has("protocol")) result.protocol = processBaseURLString(base.scheme, type);
    if (type !== "pattern" && !has("protocol") && !has("hostname") && !has("port") && !has("username")) {
      result.username = processBaseURLString(base.username, type);
    }
    if (type !== "pattern" && !has("protocol") && !has("hostname") && !has("port") && !has("username") && !has("password")) {
      result.password = processBaseURLString(base.password, type);
    }
    if (!has("protocol") && !has("hostname")) result.hostname = processBaseURLString(base.host, type);
    if (!has("protocol") && !has("hostname") && !has("port")) result.port = base.port;
    if (!has("protocol") && !has("hostname") && !has("port") && !has("pathname")) {
      result.pathname = processBaseURLString(base.path, type);
    }
    if (!has("protocol") && !has("hostname") && !has("port") && !has("pathname") && !has("search")) {
      result.search = processBaseURLString(base.query, type);
    }
    if (!has("protocol") && !has("hostname") && !has("port") && !has("pathname") && !has("search") && !has("hash")) {
      result.hash = processBaseURLString(base.fragment, type);
    }
  }
  const pattern = type === "pattern";
  if (has("protocol")) {
    let v = init.protocol;
    if (v[v.length - 1] === ":") v = StringPrototypeSlice(v, 0, -1);
    result.protocol = pattern ? v : canon(CANON_PROTOCOL, v);
  }
  if (has("username")) result.username = pattern ? init.username : canon(CANON_USERNAME, init.username);
  if (has("password")) result.password = pattern ? init.password : canon(CANON_PASSWORD, init.password);
  if (has("hostname")) result.hostname = pattern ? init.hostname : canon(CANON_HOSTNAME, init.hostname);
  const protocolString = result.protocol !== undefined && result.protocol !== null ? result.protocol : "";
  if (has("port")) result.port = pattern ? init.port : canon(CANON_PORT, init.port, protocolString);
  if (has("pathname")) {
    let p = init.pathname;
    if (base !== null && !base.opaquePath && !isAbsolutePathname(p, type)) {
      const basePath = processBaseURLString(base.path, type);
      const slash = StringPrototypeLastIndexOf(basePath, "/");
      if (slash !== -1) p = StringPrototypeSlice(basePath, 0, slash + 1) + p;
    }
    if (!pattern) {
      p = isSpecialScheme(protocolString) || protocolString === "" ? canon(CANON_PATHNAME, p) : canon(CANON_OPAQUE_PATHNAME, p);
    }
    result.pathname = p;
  }
  if (has("search")) {
    let v = init.search;
    if (v[0] === "?") v = StringPrototypeSlice(v, 1);
    result.search = pattern ? v : canon(CANON_SEARCH, v);
  }
  if (has("hash")) {
    let v = init.hash;
    if (v[0] === "#") v = StringPrototypeSlice(v, 1);
    result.hash = pattern ? v : canon(CANON_HASH, v);
  }
  return result;
}

// --- WebIDL conversions ------------------------------------------------------

const toUSVString = (v) => StringPrototypeToWellFormed(StringCtor(v));
const isObjectLike = (v) => v !== null && (typeof v === "object" || typeof v === "function");

// toInit converts a URLPatternInit dictionary (members read in
// lexicographic order, as WebIDL does) to a null-prototype record.
const dictionaryMembers = ["baseURL", "hash", "hostname", "password", "pathname", "port", "protocol", "search", "username"];
function toInit(v, prefix) {
  const init = ObjectCreate(null);
  if (v === undefined || v === null) return init;
  if (!isObjectLike(v)) throw new TypeErrorCtor(`${prefix}: The provided value is not of type 'URLPatternInit'.`);
  for (let k = 0; k < dictionaryMembers.length; k++) {
    const m = dictionaryMembers[k];
    const value = v[m];
    if (value !== undefined) init[m] = toUSVString(value);
  }
  return init;
}

function toOptions(v, prefix) {
  if (v === undefined || v === null) return { ignoreCase: false };
  if (!isObjectLike(v)) throw new TypeErrorCtor(`${prefix}: The provided value is not of type 'URLPatternOptions'.`);
  return { ignoreCase: !!v.ignoreCase };
}

// An input is the string alternative of (USVString or URLPatternInit)
// unless it is undefined, null or an object.
const isInitInput = (v) => v === undefined || v === null || isObjectLike(v);

// --- URLPattern ---------------------------------------------------------------

// Each URLPattern's compiled components, keyed by the object (a WeakMap
// rather than a symbol-keyed slot, so an object inheriting from a
// URLPattern is not taken for one).
const patterns = new WeakMap();
const WeakMapGet = uncurryThis(WeakMap.prototype.get);
const WeakMapSet = uncurryThis(WeakMap.prototype.set);
const componentNames = initKeys;

function patternOf(self, name) {
  const p = isObjectLike(self) ? WeakMapGet(patterns, self) : undefined;
  if (p === undefined) throw new TypeErrorCtor(`Failed to execute '${name}' on 'URLPattern': Illegal invocation`);
  return p;
}

function getterOf(self, name) {
  const p = isObjectLike(self) ? WeakMapGet(patterns, self) : undefined;
  if (p === undefined) throw new TypeErrorCtor(`Failed to read the '${name}' property from 'URLPattern': Illegal invocation`);
  return p;
}

// create is the standard's "create a URL pattern".
function create(input, baseURL, options) {
  let init;
  if (typeof input === "string") {
    init = parseConstructorString(input);
    if (baseURL === null && init.protocol === undefined) {
      throw new TypeErrorCtor(`Relative constructor string ${JSONStringify(input)} needs a base URL.`);
    }
    if (baseURL !== null) init.baseURL = baseURL;
  } else {
    if (baseURL !== null) throw new TypeErrorCtor("A base URL must be given inside the URLPatternInit, not as a second argument.");
    init = input;
  }
  const processed = processInit(init, "pattern", null);
  for (let k = 0; k < componentNames.length; k++) {
    if (processed[componentNames[k]] === undefined) processed[componentNames[k]] = "*";
  }
  if (isSpecialScheme(processed.protocol) && processed.port === defaultPorts[processed.protocol]) processed.port = "";
  const p = ObjectCreate(null);
  p.protocol = compileComponent("protocol", processed.protocol, canonicalizeProtocol, defaultOptions);
  p.username = compileComponent("username", processed.username, canonicalizeUsername, defaultOptions);
  p.password = compileComponent("password", processed.password, canonicalizePassword, defaultOptions);
  p.hostname = hostnamePatternIsIPv6(processed.hostname)
    ? compileComponent("hostname", processed.hostname, canonicalizeIPv6Hostname, hostnameOptions)
    : compileComponent("hostname", processed.hostname, canonicalizeHostname, hostnameOptions);
  p.port = compileComponent("port", processed.port, canonicalizePort, defaultOptions);
  const compileOptions = { delimiter: "", prefix: "", ignoreCase: options.ignoreCase };
  if (protocolComponentMatchesSpecialScheme(p.protocol)) {
    const pathOptions = { delimiter: "/", prefix: "/", ignoreCase: options.ignoreCase };
    p.pathname = compileComponent("pathname", processed.pathname, canonicalizePathname, pathOptions);
  } else {
    p.pathname = compileComponent("pathname", processed.pathname, canonicalizeOpaquePathname, compileOptions);
  }
  p.search = compileComponent("search", processed.search, canonicalizeSearch, compileOptions);
  p.hash = compileComponent("hash", processed.hash, canonicalizeHash, compileOptions);
  return p;
}

// match is the standard's "match"; input is a string or a converted init.
function match(p, input, rawInput, baseURL) {
  const inputs = [rawInput];
  let values;
  if (typeof input !== "string") {
    if (baseURL !== undefined) throw new TypeErrorCtor("A base URL must be given inside the URLPatternInit, not as a second argument.");
    try {
      values = processInit(input, "url", "");
    } catch {
      return null;
    }
  } else {
    let u;
    try {
      if (baseURL !== undefined) {
        new URL(baseURL);
        ArrayPrototypePush(inputs, baseURL);
        u = new URL(input, baseURL);
      } else {
        u = new URL(input);
      }
    } catch {
      return null;
    }
    const search = URLGetSearch(u);
    const hash = URLGetHash(u);
    values = {
      protocol: StringPrototypeSlice(URLGetProtocol(u), 0, -1),
      username: URLGetUsername(u),
      password: URLGetPassword(u),
      hostname: URLGetHostname(u),
      port: URLGetPort(u),
      pathname: URLGetPathname(u),
      search: search === "" ? "" : StringPrototypeSlice(search, 1),
      hash: hash === "" ? "" : StringPrototypeSlice(hash, 1),
    };
  }
  const execs = [];
  for (let k = 0; k < componentNames.length; k++) {
    const r = RegExpPrototypeExec(p[componentNames[k]].regexp, values[componentNames[k]]);
    if (r === null) return null;
    ArrayPrototypePush(execs, r);
  }
  const result = { inputs };
  for (let k = 0; k < componentNames.length; k++) {
    const name = componentNames[k];
    const c = p[name];
    const groups = {};
    for (let g = 0; g < c.names.length; g++) {
      ObjectDefineProperty(groups, c.names[g], { value: execs[k][g + 1], writable: true, enumerable: true, configurable: true });
    }
    result[name] = { input: values[name], groups };
  }
  return result;
}

// readMatchArgs converts test()'s and exec()'s arguments.
function readMatchArgs(args, method) {
  const prefix = `Failed to execute '${method}' on 'URLPattern'`;
  const raw = args.length > 0 ? args[0] : undefined;
  let input;
  if (isInitInput(raw)) input = toInit(raw, prefix);
  else input = toUSVString(raw);
  const baseURL = args.length > 1 && args[1] !== undefined ? toUSVString(args[1]) : undefined;
  return [input, raw === undefined ? {} : typeof input === "string" ? input : raw, baseURL];
}

class URLPattern {
  constructor(input = undefined, baseURL = undefined, options = undefined) {
    const prefix = "Failed to construct 'URLPattern'";
    if (new.target === undefined) {
      throw new TypeErrorCtor(`${prefix}: Please use the 'new' operator, this DOM object constructor cannot be called as a function.`);
    }
    // Overloads: (input, baseURL, options) when the second argument is
    // a string (or any other non-object), else (input, options).
    let base = null;
    let opts;
    if (arguments.length >= 2 && !isInitInput(baseURL)) {
      base = toUSVString(baseURL);
      opts = options;
    } else {
      opts = baseURL;
    }
    const converted = isInitInput(input) ? toInit(input, prefix) : toUSVString(input);
    const o = toOptions(opts, prefix);
    let p;
    try {
      p = create(converted, base, o);
    } catch (e) {
      if (e instanceof TypeErrorCtor) throw new TypeErrorCtor(`${prefix}: ${e.message}`);
      throw e;
    }
    WeakMapSet(patterns, this, p);
  }

  test(input = undefined, baseURL = undefined) {
    const p = patternOf(this, "test");
    const args = readMatchArgs(arguments, "test");
    try {
      return match(p, args[0], args[1], args[2]) !== null;
    } catch (e) {
      if (e instanceof TypeErrorCtor) throw new TypeErrorCtor(`Failed to execute 'test' on 'URLPattern': ${e.message}`);
      throw e;
    }
  }

  exec(input = undefined, baseURL = undefined) {
    const p = patternOf(this, "exec");
    const args = readMatchArgs(arguments, "exec");
    try {
      return match(p, args[0], args[1], args[2]);
    } catch (e) {
      if (e instanceof TypeErrorCtor) throw new TypeErrorCtor(`Failed to execute 'exec' on 'URLPattern': ${e.message}`);
      throw e;
    }
  }

  get protocol() {
    return getterOf(this, "protocol").protocol.pattern;
  }
  get username() {
    return getterOf(this, "username").username.pattern;
  }
  get password() {
    return getterOf(this, "password").password.pattern;
  }
  get hostname() {
    return getterOf(this, "hostname").hostname.pattern;
  }
  get port() {
    return getterOf(this, "port").port.pattern;
  }
  get pathname() {
    return getterOf(this, "pathname").pathname.pattern;
  }
  get search() {
    return getterOf(this, "search").search.pattern;
  }
  get hash() {
    return getterOf(this, "hash").hash.pattern;
  }
  get hasRegExpGroups() {
    const p = getterOf(this, "hasRegExpGroups");
    for (let k = 0; k < componentNames.length; k++) if (p[componentNames[k]].hasRegExpGroups) return true;
    return false;
  }
}

// WebIDL makes attributes and operations enumerable.
{
  const proto = URLPattern.prototype;
  const keys = ReflectOwnKeys(proto);
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k];
    if (key === "constructor") continue;
    const d = ObjectGetOwnPropertyDescriptor(proto, key);
    d.enumerable = true;
    ObjectDefineProperty(proto, key, d);
  }
  ObjectDefineProperty(proto, SymbolToStringTag, { value: "URLPattern", configurable: true });
  ObjectFreeze(defaultOptions);
  ObjectFreeze(hostnameOptions);
}

core.defineGlobal("URLPattern", URLPattern);
