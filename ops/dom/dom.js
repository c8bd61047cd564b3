// DOMException as Web IDL defines it, entirely in JS: the constructor
// (message, name), the name/message/code attributes, the legacy code
// constants, instanceof Error and a V8 stack. Nothing is done in Go; the
// runtime builds the exceptions Go ops ask for (runtime.DOMException) with
// this class once it is provided to core as "DOMException".
"use strict";

const webidl = core.use("webidl");
const ObjectDefineProperty = Object.defineProperty;
const ObjectSetPrototypeOf = Object.setPrototypeOf;
const ObjectFreeze = Object.freeze;
const ErrorPrototype = Error.prototype;
const ErrorCaptureStackTrace = Error.captureStackTrace;

const _name = Symbol("[[name]]");
const _message = Symbol("[[message]]");

// The legacy codes (WebIDL's error names table); names not listed have code 0.
const legacyCodes = [
  // [name, constant, code]
  ["IndexSizeError", "INDEX_SIZE_ERR", 1],
  [null, "DOMSTRING_SIZE_ERR", 2],
  ["HierarchyRequestError", "HIERARCHY_REQUEST_ERR", 3],
  ["WrongDocumentError", "WRONG_DOCUMENT_ERR", 4],
  ["InvalidCharacterError", "INVALID_CHARACTER_ERR", 5],
  [null, "NO_DATA_ALLOWED_ERR", 6],
  ["NoModificationAllowedError", "NO_MODIFICATION_ALLOWED_ERR", 7],
  ["NotFoundError", "NOT_FOUND_ERR", 8],
  ["NotSupportedError", "NOT_SUPPORTED_ERR", 9],
  ["InUseAttributeError", "INUSE_ATTRIBUTE_ERR", 10],
  ["InvalidStateError", "INVALID_STATE_ERR", 11],
  ["SyntaxError", "SYNTAX_ERR", 12],
  ["InvalidModificationError", "INVALID_MODIFICATION_ERR", 13],
  ["NamespaceError", "NAMESPACE_ERR", 14],
  ["InvalidAccessError", "INVALID_ACCESS_ERR", 15],
  [null, "VALIDATION_ERR", 16],
  ["TypeMismatchError", "TYPE_MISMATCH_ERR", 17],
  ["SecurityError", "SECURITY_ERR", 18],
  ["NetworkError", "NETWORK_ERR", 19],
  ["AbortError", "ABORT_ERR", 20],
  ["URLMismatchError", "URL_MISMATCH_ERR", 21],
  ["QuotaExceededError", "QUOTA_EXCEEDED_ERR", 22],
  ["TimeoutError", "TIMEOUT_ERR", 23],
  ["InvalidNodeTypeError", "INVALID_NODE_TYPE_ERR", 24],
  ["DataCloneError", "DATA_CLONE_ERR", 25],
];

const codeOfName = { __proto__: null };
for (let i = 0; i < legacyCodes.length; i++) {
  const [name, , code] = legacyCodes[i];
  if (name !== null) codeOfName[name] = code;
}

class DOMException {
  constructor(message = "", name = "Error") {
    const prefix = "Failed to construct 'DOMException'";
    webidl.setSlots(this, {
      [_message]: webidl.toDOMString(message, prefix, "Parameter 1"),
      [_name]: webidl.toDOMString(name, prefix, "Parameter 2"),
    });
    // The slots are set first: V8 builds the stack's first line from
    // name and message.
    ErrorCaptureStackTrace(this, new.target);
  }

  get name() {
    return webidl.brandCheck(this, _name, "DOMException", "name")[_name];
  }

  get message() {
    return webidl.brandCheck(this, _message, "DOMException", "message")[_message];
  }

  get code() {
    const code = codeOfName[webidl.brandCheck(this, _name, "DOMException", "code")[_name]];
    return code === undefined ? 0 : code;
  }
}

ObjectSetPrototypeOf(DOMException.prototype, ErrorPrototype);
// Web IDL attributes are enumerable.
for (const attr of ["name", "message", "code"]) {
  ObjectDefineProperty(DOMException.prototype, attr, { enumerable: true });
}
for (let i = 0; i < legacyCodes.length; i++) {
  const [, constant, code] = legacyCodes[i];
  const desc = { value: code, enumerable: true, writable: false, configurable: false };
  ObjectDefineProperty(DOMException, constant, desc);
  ObjectDefineProperty(DOMException.prototype, constant, desc);
}
webidl.configureInterface(DOMException);
ObjectFreeze(codeOfName);

core.defineGlobal("DOMException", DOMException);
core.provide("DOMException", DOMException);
