// Cases for URLPattern (ops/url/urlpattern.js), run by url_test.go. The
// WPT urlpattern data is not available here; these come from the URL
// Pattern Standard's examples and algorithms, and MDN's examples, with
// every exec() result asserted in full.

// same compares a and b deeply; a property whose value is undefined must
// be present on both sides (groups of unmatched optional parts are).
function same(actual, expected, what) {
  const diff = compare(actual, expected, "");
  if (diff !== null) {
    throw new Error(`${what}: ${diff}\n  got:  ${show(actual)}\n  want: ${show(expected)}`);
  }
}

function show(v) {
  return JSON.stringify(v, (k, x) => (x === undefined ? "<undefined>" : x));
}

function compare(a, b, path) {
  if (b === null || typeof b !== "object") {
    return Object.is(a, b) ? null : `${path || "value"} is ${show(a)}, want ${show(b)}`;
  }
  if (a === null || typeof a !== "object") return `${path} is ${show(a)}, want an object`;
  if (Array.isArray(b) !== Array.isArray(a)) return `${path} array-ness differs`;
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  if (ka.join(",") !== kb.join(",")) return `${path} has keys [${ka}], want [${kb}]`;
  for (const k of kb) {
    const d = compare(a[k], b[k], path ? `${path}.${k}` : k);
    if (d !== null) return d;
  }
  return null;
}

function eq(actual, expected, what) {
  if (!Object.is(actual, expected)) throw new Error(`${what}: got ${show(actual)}, want ${show(expected)}`);
}

function throwsType(fn, what, mention = undefined) {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof TypeError)) throw new Error(`${what}: threw ${e && e.name}: ${e && e.message}, want a TypeError`);
    if (mention !== undefined && !e.message.includes(mention)) {
      throw new Error(`${what}: message ${JSON.stringify(e.message)} does not mention ${JSON.stringify(mention)}`);
    }
    return;
  }
  throw new Error(`${what}: did not throw`);
}

const components = ["protocol", "username", "password", "hostname", "port", "pathname", "search", "hash"];

function patternOf(p) {
  const o = {};
  for (const c of components) o[c] = p[c];
  return o;
}

// result builds an exec() result from inputs and, per component,
// [input, groups]; components not given are ["", {"0": ""}], what a "*"
// component gives for an empty input.
function result(inputs, parts) {
  const out = { inputs };
  for (const c of components) {
    const [input, groups] = parts[c] || ["", { 0: "" }];
    out[c] = { input, groups };
  }
  return out;
}

// --- the standard's introduction --------------------------------------------

export const specExampleCategory = {
  test() {
    const p = new URLPattern("https://example.com/:category/*");
    same(patternOf(p), {
      protocol: "https", username: "*", password: "*", hostname: "example.com",
      port: "", pathname: "/:category/*", search: "*", hash: "*",
    }, "components");
    eq(p.hasRegExpGroups, false, "hasRegExpGroups");
    same(p.exec("https://example.com/products/"), result(["https://example.com/products/"], {
      protocol: ["https", {}],
      hostname: ["example.com", {}],
      port: ["", {}],
      pathname: ["/products/", { category: "products", 0: "" }],
    }), "exec /products/");
    same(p.exec("https://example.com/blog/our-greatest-product-ever"), result(["https://example.com/blog/our-greatest-product-ever"], {
      protocol: ["https", {}],
      hostname: ["example.com", {}],
      port: ["", {}],
      pathname: ["/blog/our-greatest-product-ever", { category: "blog", 0: "our-greatest-product-ever" }],
    }), "exec /blog/...");
    eq(p.test("https://example.com/"), false, "no category");
    eq(p.test("http://example.com/products/"), false, "http");
    eq(p.test("https://example.com:8443/blog/our-greatest-product-ever"), false, "other port");
  },
};

export const specExampleShop = {
  test() {
    const p = new URLPattern("http{s}?://{:subdomain.}?shop.example/products/:id([0-9]+)#reviews");
    same(patternOf(p), {
      protocol: "http{s}?", username: "*", password: "*", hostname: "{:subdomain.}?shop.example",
      port: "", pathname: "/products/:id([0-9]+)", search: "", hash: "reviews",
    }, "components");
    eq(p.hasRegExpGroups, true, "hasRegExpGroups");
    same(p.exec("https://kathryn@voyager.shop.example/products/74656#reviews"), result(["https://kathryn@voyager.shop.example/products/74656#reviews"], {
      protocol: ["https", {}],
      username: ["kathryn", { 0: "kathryn" }],
      hostname: ["voyager.shop.example", { subdomain: "voyager" }],
      port: ["", {}],
      pathname: ["/products/74656", { id: "74656" }],
      search: ["", {}],
      hash: ["reviews", {}],
    }), "exec with a subdomain");
    same(p.exec("https://shop.example/products/74205#reviews").hostname, { input: "shop.example", groups: { subdomain: undefined } }, "no subdomain");
    eq(p.test("http://insecure.shop.example/products/1701#reviews"), true, "http");
    eq(p.test("https://shop.example/products/2000"), false, "no hash");
    eq(p.test("http://shop.example:8080/products/0#reviews"), false, "port");
    eq(p.test("https://nx.shop.example/products/01?speed=5#reviews"), false, "search");
    eq(p.test("https://shop.example/products/chair#reviews"), false, "non-numeric id");
  },
};

export const specExampleRelativeWithBase = {
  test() {
    const p = new URLPattern("../admin/*", "https://discussion.example/forum/?page=2");
    same(patternOf(p), {
      protocol: "https", username: "*", password: "*", hostname: "discussion.example",
      port: "", pathname: "/admin/*", search: "*", hash: "*",
    }, "components");
    eq(p.test("https://discussion.example/admin/"), true, "admin");
    eq(p.test("https://edd:librarian@discussion.example/admin/update?id=1"), true, "with credentials and search");
    eq(p.test("https://discussion.example/forum/admin/"), false, "under forum");
    eq(p.test("http://discussion.example:8080/admin/update?id=1"), false, "http and port");
  },
};

// --- routing, as workers use it ---------------------------------------------

export const namedGroup = {
  test() {
    const p = new URLPattern({ pathname: "/books/:id" });
    same(patternOf(p), {
      protocol: "*", username: "*", password: "*", hostname: "*",
      port: "*", pathname: "/books/:id", search: "*", hash: "*",
    }, "components from an init: the rest are wildcards");
    same(p.exec("https://example.com/books/123?x=1#top"), result(["https://example.com/books/123?x=1#top"], {
      protocol: ["https", { 0: "https" }],
      hostname: ["example.com", { 0: "example.com" }],
      pathname: ["/books/123", { id: "123" }],
      search: ["x=1", { 0: "x=1" }],
      hash: ["top", { 0: "top" }],
    }), "exec a URL string");
    same(p.exec({ pathname: "/books/abc" }), result([{ pathname: "/books/abc" }], {
      pathname: ["/books/abc", { id: "abc" }],
    }), "exec an init");
    eq(p.exec("https://example.com/books/"), null, "empty segment");
    eq(p.exec("https://example.com/books/1/2"), null, "two segments");
    eq(p.exec("https://example.com/book/1"), null, "other path");
  },
};

export const regexpGroups = {
  test() {
    const p = new URLPattern("/books/:id(\\d+)", "https://example.com");
    eq(p.pathname, "/books/:id(\\d+)", "pathname");
    eq(p.hasRegExpGroups, true, "hasRegExpGroups");
    eq(p.test("https://example.com/books/123"), true, "digits");
    eq(p.test("https://example.com/books/abc"), false, "letters");
    eq(p.test("https://example.com/books/"), false, "empty");
    same(p.exec("https://example.com/books/7").pathname, { input: "/books/7", groups: { id: "7" } }, "group");

    const anon = new URLPattern({ pathname: "/(\\d+)/:rest(.*)" });
    same(anon.exec({ pathname: "/42/a/b" }).pathname, { input: "/42/a/b", groups: { 0: "42", rest: "a/b" } }, "unnamed regexp group is numbered");
    eq(anon.pathname, "/(\\d+)/:rest(.*)", "pattern string");

    const alt = new URLPattern({ pathname: "/:type(foo|bar)" });
    eq(alt.test({ pathname: "/foo" }), true, "alternative foo");
    eq(alt.test({ pathname: "/bar" }), true, "alternative bar");
    eq(alt.test({ pathname: "/baz" }), false, "alternative baz");
    eq(new URLPattern({ pathname: "/:id" }).hasRegExpGroups, false, "named group only");
    eq(new URLPattern({ pathname: "/*" }).hasRegExpGroups, false, "wildcard only");
    eq(new URLPattern({ hostname: "(a|b).example" }).hasRegExpGroups, true, "regexp in hostname");
  },
};

export const wildcards = {
  test() {
    const p = new URLPattern({ pathname: "/api/*" });
    same(p.exec({ pathname: "/api/users/1" }).pathname, { input: "/api/users/1", groups: { 0: "users/1" } }, "rest of path");
    same(p.exec({ pathname: "/api/" }).pathname, { input: "/api/", groups: { 0: "" } }, "empty rest");
    eq(p.exec({ pathname: "/api" }), null, "no slash");

    const two = new URLPattern({ pathname: "/*/files/*" });
    same(two.exec({ pathname: "/a/files/b/c" }).pathname.groups, { 0: "a", 1: "b/c" }, "numbered wildcards");
    eq(new URLPattern({ pathname: "/foo/(.*)" }).pathname, "/foo/*", "(.*) is written *");

    const mdn = new URLPattern("https://cdn-*.example.com/*.jpg");
    eq(mdn.hostname, "cdn-*.example.com", "hostname");
    eq(mdn.pathname, "/*.jpg", "pathname");
    same(mdn.exec("https://cdn-1234.example.com/product/assets/hero.jpg"), result(["https://cdn-1234.example.com/product/assets/hero.jpg"], {
      protocol: ["https", {}],
      hostname: ["cdn-1234.example.com", { 0: "1234" }],
      port: ["", {}],
      pathname: ["/product/assets/hero.jpg", { 0: "product/assets/hero" }],
    }), "MDN cdn example");
  },
};

export const modifiers = {
  test() {
    const opt = new URLPattern({ pathname: "/products/:id?" });
    same(opt.exec({ pathname: "/products" }).pathname, { input: "/products", groups: { id: undefined } }, "optional absent");
    same(opt.exec({ pathname: "/products/2" }).pathname, { input: "/products/2", groups: { id: "2" } }, "optional present");
    eq(opt.test({ pathname: "/products/" }), false, "optional takes its prefix with it");

    const plus = new URLPattern({ pathname: "/:product/:action+" });
    same(plus.exec({ pathname: "/store/wanderview/view" }).pathname.groups, { product: "store", action: "wanderview/view" }, "one or more");
    eq(plus.test({ pathname: "/store" }), false, "one or more needs one");

    const star = new URLPattern({ pathname: "/:product/:action*" });
    same(star.exec({ pathname: "/store" }).pathname.groups, { product: "store", action: undefined }, "zero or more, none");
    same(star.exec({ pathname: "/store/a/b" }).pathname.groups, { product: "store", action: "a/b" }, "zero or more, two");

    const regexpPlus = new URLPattern({ pathname: "/n/(\\d+)+" });
    same(regexpPlus.exec({ pathname: "/n/1/22/333" }).pathname.groups, { 0: "1/22/333" }, "repeated regexp group");
    eq(regexpPlus.test({ pathname: "/n/1/x" }), false, "repeated regexp group rejects");
  },
};

export const braceGroups = {
  test() {
    const p = new URLPattern({ pathname: "/product{/}?" });
    eq(p.test({ pathname: "/product" }), true, "without slash");
    eq(p.test({ pathname: "/product/" }), true, "with slash");
    eq(p.test({ pathname: "/product//" }), false, "two slashes");

    const ext = new URLPattern({ pathname: "/:name{.html}?" });
    same(ext.exec({ pathname: "/index.html" }).pathname.groups, { name: "index" }, "suffix group present");
    same(ext.exec({ pathname: "/index" }).pathname.groups, { name: "index" }, "suffix group absent");

    const inner = new URLPattern({ pathname: "/blog{/:year(\\d+)}?" });
    same(inner.exec({ pathname: "/blog/2024" }).pathname.groups, { year: "2024" }, "group inside braces");
    same(inner.exec({ pathname: "/blog" }).pathname.groups, { year: undefined }, "optional braces absent");
    eq(inner.test({ pathname: "/blog/x" }), false, "regexp inside braces");

    eq(new URLPattern({ pathname: "/foo{bar}" }).pathname, "/foobar", "braces without modifier merge into text");
    eq(new URLPattern({ pathname: "/x{/foo}?" }).pathname, "/x{/foo}?", "optional fixed text keeps its braces");
    const rep = new URLPattern({ pathname: "/a{-:n}*" });
    same(rep.exec({ pathname: "/a-1-2-3" }).pathname.groups, { n: "1-2-3" }, "repeated group with prefix");
    same(rep.exec({ pathname: "/a" }).pathname.groups, { n: undefined }, "repeated group, zero times");
  },
};

export const escaping = {
  test() {
    const p = new URLPattern({ pathname: "/foo\\:bar" });
    eq(p.pathname, "/foo\\:bar", "escaped colon stays escaped in the pattern string");
    eq(p.test({ pathname: "/foo:bar" }), true, "matches a literal colon");
    eq(p.test({ pathname: "/foo" }), false, "no group");
    eq(new URLPattern({ pathname: "/a\\*b" }).test({ pathname: "/a*b" }), true, "literal asterisk");
    eq(new URLPattern({ pathname: "/a.b" }).test({ pathname: "/axb" }), false, "regexp metacharacters are literal");
    eq(new URLPattern({ pathname: "/:foo\\bar" }).pathname, "{/:foo}bar", "a name followed by name characters is grouped");
    eq(new URLPattern({ pathname: "/:foo\\bar" }).test({ pathname: "/xbar" }), true, "escaped letters after a name");
  },
};

export const hostnames = {
  test() {
    const p = new URLPattern({ hostname: "*.example.com" });
    same(p.exec("https://api.example.com/").hostname, { input: "api.example.com", groups: { 0: "api" } }, "subdomain");
    same(p.exec({ hostname: "a.b.example.com" }).hostname, { input: "a.b.example.com", groups: { 0: "a.b" } }, "nested subdomain");
    eq(p.test({ hostname: "example.com" }), false, "apex needs the dot");

    const opt = new URLPattern({ hostname: "{*.}?example.com" });
    eq(opt.hostname, "{*.}?example.com", "MDN hostname pattern");
    eq(opt.test({ hostname: "example.com" }), true, "apex");
    eq(opt.test({ hostname: "www.example.com" }), true, "www");
    eq(opt.test({ hostname: "example.org" }), false, "other domain");

    const named = new URLPattern({ hostname: ":sub.example.com" });
    same(named.exec({ hostname: "shop.example.com" }).hostname.groups, { sub: "shop" }, "named segment stops at dots");
    eq(named.test({ hostname: "a.shop.example.com" }), false, "one label only");

    eq(new URLPattern({ hostname: "EXAMPLE.com" }).hostname, "example.com", "hostname is lowercased");
    eq(new URLPattern({ hostname: "münchen.de" }).hostname, "xn--mnchen-3ya.de", "IDN becomes punycode");
    // In a pattern ":" starts a group name, so an IPv6 address escapes
    // its colons.
    eq(new URLPattern({ hostname: "[\\:\\:1]" }).hostname, "[\\:\\:1]", "IPv6");
    eq(new URLPattern({ hostname: "[FEDC\\:\\:1]" }).hostname, "[fedc\\:\\:1]", "IPv6 is lowercased");
    eq(new URLPattern("http://[\\:\\:1]:8080/").hostname, "[\\:\\:1]", "IPv6 in a constructor string");
    eq(new URLPattern("http://[\\:\\:1]:8080/").port, "8080", "port after IPv6");
    eq(new URLPattern({ hostname: "[\\:\\:1]" }).test("http://[::1]/"), true, "IPv6 matches");
    throwsType(() => new URLPattern({ hostname: "[::1]" }), "unescaped colons", "Missing group name");
    throwsType(() => new URLPattern({ hostname: "[\\:\\:g]" }), "bad IPv6 character", "IPv6");
    throwsType(() => new URLPattern({ hostname: "bad host" }), "space in hostname", "hostname");
  },
};

export const ignoreCase = {
  test() {
    const p = new URLPattern("https://example.com/2022/feb/*", { ignoreCase: true });
    eq(p.test("https://example.com/2022/Feb/xc44rsz"), true, "MDN ignoreCase");
    eq(new URLPattern("https://example.com/2022/feb/*").test("https://example.com/2022/Feb/xc44rsz"), false, "case-sensitive by default");
    const q = new URLPattern({ pathname: "/FOO", search: "Q=1", hash: "Top" }, { ignoreCase: true });
    eq(q.test({ pathname: "/foo", search: "q=1", hash: "TOP" }), true, "pathname, search and hash ignore case");
    const r = new URLPattern("/Books/:id", "https://example.com", { ignoreCase: true });
    same(r.exec("https://example.com/books/ABC").pathname, { input: "/books/ABC", groups: { id: "ABC" } }, "groups keep the input's case");
    eq(new URLPattern({ pathname: "/FOO" }, { ignoreCase: false }).test({ pathname: "/foo" }), false, "ignoreCase false");
  },
};

export const constructorStrings = {
  test() {
    same(patternOf(new URLPattern("https://example.com/foo?bar#baz")), {
      protocol: "https", username: "*", password: "*", hostname: "example.com",
      port: "", pathname: "/foo", search: "bar", hash: "baz",
    }, "every component");
    same(patternOf(new URLPattern("https://example.com")), {
      protocol: "https", username: "*", password: "*", hostname: "example.com",
      port: "", pathname: "*", search: "*", hash: "*",
    }, "later components are wildcards");
    eq(new URLPattern("https://example.com?q").pathname, "/", "special scheme: pathname / before a search");
    eq(new URLPattern("https://example.com:8080/*").port, "8080", "explicit port");
    eq(new URLPattern("https://example.com:443/*").port, "", "default port is empty");
    eq(new URLPattern("https://*:*").port, "*", "any port");
    eq(new URLPattern("https://*").test("https://a.example:8443/"), false, "no port written means the default");
    eq(new URLPattern("https://*:*").test("https://a.example:8443/"), true, "https://*:* takes any port");
    // ":pass" would be a named group; the separator is escaped.
    const creds = new URLPattern("https://user\\:pass@example.com/");
    eq(creds.username, "user", "username");
    eq(creds.password, "pass", "password");
    eq(new URLPattern("https://example.com/:id").test("https://u:p@example.com/1?x#y"), true, "username, password, search and hash are wildcards");
    eq(new URLPattern("/foo?*", "https://example.com").search, "*", "relative with a search");
    eq(new URLPattern("#frag", "https://example.com/a?b").hash, "frag", "relative hash");
    // "data:text" would be a name token, so the string would be relative;
    // the protocol's ":" is escaped.
    throwsType(() => new URLPattern("data:text/plain,:rest"), "name token where the protocol ends", "base URL");
    eq(new URLPattern("data\\:text/plain,:rest").pathname, "text/plain,:rest", "opaque path");
    const d = new URLPattern("data\\:text/plain,:rest");
    same(d.exec("data:text/plain,hello").pathname.groups, { rest: "hello" }, "opaque path match");
    // The URL's path is "/", which "/:id?" does not match: the optional
    // part takes its "/" prefix with it.
    eq(new URLPattern("https://example.com/:id?").test("https://example.com"), false, "optional group and an empty path");
    // A component never ends inside braces, so this "/" is hostname text.
    throwsType(() => new URLPattern("https://example.com{/:id}?"), "braces across the host and the path", "Invalid hostname");
    eq(new URLPattern("https://example.com/{:id}?").test("https://example.com/"), true, "but /{:id}? does");
  },
};

export const initWithBaseURL = {
  test() {
    same(patternOf(new URLPattern({ pathname: "foo", baseURL: "https://example.com/bar/baz" })), {
      protocol: "https", username: "*", password: "*", hostname: "example.com",
      port: "", pathname: "/bar/foo", search: "*", hash: "*",
    }, "relative pathname against the base's directory");
    same(patternOf(new URLPattern({ baseURL: "https://example.com:8080/p?q=1#h" })), {
      protocol: "https", username: "*", password: "*", hostname: "example.com",
      port: "8080", pathname: "/p", search: "q=1", hash: "h",
    }, "everything from the base");
    same(patternOf(new URLPattern({ search: "x", baseURL: "https://example.com/p?q=1#h" })), {
      protocol: "https", username: "*", password: "*", hostname: "example.com",
      port: "", pathname: "/p", search: "x", hash: "*",
    }, "components after one given are not inherited");
    eq(new URLPattern({ baseURL: "https://example.com/a:b" }).pathname, "/a\\:b", "inherited text is escaped");
    throwsType(() => new URLPattern({ pathname: "/x", baseURL: "not a url" }), "bad baseURL", "base URL");
  },
};

export const execWithBaseURL = {
  test() {
    const p = new URLPattern({ pathname: "/books/:id" });
    same(p.exec("/books/1", "https://example.com"), result(["/books/1", "https://example.com"], {
      protocol: ["https", { 0: "https" }],
      hostname: ["example.com", { 0: "example.com" }],
      pathname: ["/books/1", { id: "1" }],
    }), "relative input with a base");
    same(p.exec({ pathname: "42", baseURL: "https://example.com/books/?q#h" }), result([{ pathname: "42", baseURL: "https://example.com/books/?q#h" }], {
      protocol: ["https", { 0: "https" }],
      hostname: ["example.com", { 0: "example.com" }],
      pathname: ["/books/42", { id: "42" }],
    }), "init with a base: search and hash not inherited past the pathname");
    eq(p.exec("/books/1"), null, "relative input without a base does not parse");
    eq(p.exec("/books/1", "not a url"), null, "bad base");
    eq(p.test("https://exa mple.com/books/1"), false, "bad URL");
    throwsType(() => p.exec({ pathname: "/books/1" }, "https://example.com"), "init and a base argument");
    throwsType(() => p.test({ pathname: "/books/1" }, "https://example.com"), "test: init and a base argument");
  },
};

export const canonicalization = {
  test() {
    eq(new URLPattern({ pathname: "/café" }).pathname, "/caf%C3%A9", "pathname is percent-encoded");
    eq(new URLPattern({ pathname: "/café" }).test("https://x/café"), true, "and matches the encoded input");
    eq(new URLPattern({ pathname: "/foo/../bar" }).pathname, "/bar", "dot segments resolve");
    eq(new URLPattern({ pathname: "/a b" }).pathname, "/a%20b", "space in a path");
    eq(new URLPattern({ search: "?q=a b" }).search, "q=a%20b", "search drops ? and encodes");
    eq(new URLPattern({ search: "q='" }).search, "q=%27", "a special URL's query encodes '");
    eq(new URLPattern({ hash: "#a b" }).hash, "a%20b", "hash drops # and encodes");
    eq(new URLPattern({ protocol: "HTTPS:" }).protocol, "https", "protocol drops : and lowercases");
    eq(new URLPattern({ protocol: "http", port: "80" }).port, "", "default port of the protocol");
    eq(new URLPattern({ protocol: "https", port: "80" }).port, "80", "another protocol's default port stays");
    eq(new URLPattern({ username: "a b" }).username, "a%20b", "username");
    eq(new URLPattern({ password: "p@ss" }).password, "p%40ss", "password");
    throwsType(() => new URLPattern({ protocol: "ht tp" }), "bad protocol", "protocol");
    throwsType(() => new URLPattern({ port: "99999" }), "port out of range", "port");
    // exec canonicalizes an init the way the URL parser would.
    same(new URLPattern({ pathname: "/caf%C3%A9" }).exec({ pathname: "/café" }).pathname, { input: "/caf%C3%A9", groups: {} }, "exec encodes");
    same(new URLPattern({ protocol: "https", port: "" }).exec({ protocol: "https", port: "443" }).port, { input: "", groups: {} }, "exec drops a default port");
    eq(new URLPattern({ port: "*" }).exec({ port: "99999" }), null, "an init that does not canonicalize does not match");
  },
};

export const invalidPatterns = {
  test() {
    const P = (p) => () => new URLPattern({ pathname: p });
    throwsType(P("/:a/:a"), "duplicate name", "Duplicate group name");
    throwsType(P("/(foo"), "unclosed regexp", "regexp group");
    throwsType(P("/(foo(bar))"), "capturing group inside", "Capturing groups");
    throwsType(P("/(?foo)"), "regexp starting with ?", "'?'");
    throwsType(P("/()"), "empty regexp", "Empty regexp group");
    throwsType(P("/(é)"), "non-ASCII regexp", "Non-ASCII");
    throwsType(P("/([)"), "regexp V8 rejects", "pathname");
    throwsType(P("/:"), "missing name", "Missing group name");
    throwsType(P("/:0"), "name starting with a digit", "Missing group name");
    throwsType(P("/{foo"), "unclosed brace", "'}'");
    throwsType(P("/foo}"), "stray brace");
    throwsType(P("/foo\\"), "trailing backslash", "backslash");
    throwsType(P("/{:a:b}"), "two names in one brace group", "'}'");
    throwsType(() => new URLPattern("/books/:id"), "relative string without a base", "base URL");
    throwsType(() => new URLPattern({ pathname: "/x" }, "https://example.com"), "init with a base argument", "base URL");
    throwsType(() => new URLPattern("/x", "not a url"), "bad base", "base URL");
    throwsType(() => new URLPattern({ pathname: "/x" }, 5), "options not an object");
  },
};

export const classShape = {
  test() {
    const p = new URLPattern({ pathname: "/a" });
    eq(Object.prototype.toString.call(p), "[object URLPattern]", "toStringTag");
    eq(p instanceof URLPattern, true, "instanceof");
    throwsType(() => URLPattern({}), "called without new");
    for (const name of [...components, "hasRegExpGroups"]) {
      const d = Object.getOwnPropertyDescriptor(URLPattern.prototype, name);
      eq(typeof d.get, "function", `${name} is a getter`);
      eq(d.set, undefined, `${name} has no setter`);
      eq(d.enumerable, true, `${name} is enumerable`);
      throwsType(() => d.get.call({}), `${name} brand check`, "Illegal invocation");
      throwsType(() => d.get.call(Object.create(p)), `${name} brand check on a derived object`, "Illegal invocation");
    }
    throwsType(() => URLPattern.prototype.test.call({}, {}), "test brand check", "Illegal invocation");
    throwsType(() => URLPattern.prototype.exec.call({}, {}), "exec brand check", "Illegal invocation");
    eq(Object.getOwnPropertyDescriptor(globalThis, "URLPattern").enumerable, false, "global is not enumerable");
    // No arguments: every component is a wildcard and everything matches.
    const all = new URLPattern();
    same(patternOf(all), { protocol: "*", username: "*", password: "*", hostname: "*", port: "*", pathname: "*", search: "*", hash: "*" }, "empty pattern");
    eq(all.test(), true, "test() with no input");
    same(all.exec(), result([{}], {}), "exec() with no input");
    eq(new URLPattern(null).test("https://anything.example/"), true, "null input is an empty init");
  },
};

export const userCodeCannotBreakIt = {
  test() {
    const saved = { exec: RegExp.prototype.exec, push: Array.prototype.push, URLproto: Object.getOwnPropertyDescriptor(URL.prototype, "pathname") };
    try {
      RegExp.prototype.exec = () => { throw new Error("user exec"); };
      Array.prototype.push = () => { throw new Error("user push"); };
      Object.defineProperty(URL.prototype, "pathname", { get() { return "/hijacked"; }, configurable: true });
      const p = new URLPattern({ pathname: "/books/:id" });
      same(p.exec("https://example.com/books/9").pathname, { input: "/books/9", groups: { id: "9" } }, "with built-ins replaced");
    } finally {
      RegExp.prototype.exec = saved.exec;
      Array.prototype.push = saved.push;
      Object.defineProperty(URL.prototype, "pathname", saved.URLproto);
    }
  },
};

export const patternStrings = {
  test() {
    const cases = [
      ["/foo/:bar", "/foo/:bar"],
      ["/foo/:bar(baz)", "/foo/:bar(baz)"],
      ["/:foo(.*)", "/:foo(.*)"],
      ["/(.*)", "/*"],
      ["/([^\\/]+?)", "/([^\\/]+?)"],
      ["/:foo([^\\/]+?)", "/:foo"],
      ["/{:foo}?", "/{:foo}?"],
      ["/:foo?", "/:foo?"],
      ["/{x:foo}?", "/{x:foo}?"],
      ["/foo{/:bar}*", "/foo/:bar*"],
      ["/**", "/**"],
      ["/:a:b", "/:a:b"],
      ["/:a(x)(y)", "/:a(x)(y)"],
    ];
    for (const [input, want] of cases) {
      eq(new URLPattern({ pathname: input }).pathname, want, `pattern string of ${input}`);
    }
  },
};
