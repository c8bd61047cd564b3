// Blob and FormData bodies (the blob family installed): extraction with
// Content-Type, blob() and formData().
import { eq, deepEq, ok, rejects, bytes } from "./assert.js";

export const requestFormDataRoundTrip = {
  async test() {
    const fd = new FormData();
    fd.append("greeting", "héllo\nworld");
    fd.append("upload", new File([bytes(0, 1, 2, 255)], 'report "q1".bin', { type: "application/x-report" }));
    fd.append("greeting", "again");
    const req = new Request("https://example.com/form", { method: "POST", body: fd });
    const ct = req.headers.get("content-type");
    ok(/^multipart\/form-data; boundary=[-A-Za-z0-9]+$/.test(ct), `content-type ${ct} is multipart/form-data with a boundary`);
    const back = await req.formData();
    ok(back instanceof FormData, "formData() gives a FormData");
    deepEq([...back.keys()], ["greeting", "upload", "greeting"], "names in order");
    deepEq(back.getAll("greeting"), ["héllo\r\nworld", "again"], "string values (line breaks normalized to CRLF)");
    const f = back.get("upload");
    ok(f instanceof File, "file part is a File");
    eq(f.name, "report %22q1%22.bin", "file name (quotes escaped as the HTML standard says)");
    eq(f.type, "application/x-report", "file type");
    deepEq(await f.bytes(), bytes(0, 1, 2, 255), "file bytes");
    eq(req.bodyUsed, true, "bodyUsed after formData()");
    await rejects(() => req.formData(), TypeError, "already been used", "second formData()");
  },
};

export const responseFormDataAndExplicitType = {
  async test() {
    const fd = new FormData();
    fd.append("a", "1");
    const r = new Response(fd, { headers: { "content-type": "text/plain" } });
    eq(r.headers.get("content-type"), "text/plain", "an explicit Content-Type wins");
    await rejects(() => r.formData(), TypeError, '"text/plain" is neither', "formData() of text/plain");
    const r2 = new Response(fd);
    const text = await r2.clone().text();
    const boundary = r2.headers.get("content-type").split("boundary=")[1];
    eq(text, `--${boundary}\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--${boundary}--\r\n`, "multipart body");
    deepEq([...(await r2.formData())], [["a", "1"]], "round trip");
  },
};

export const urlencodedFormData = {
  async test() {
    const r = new Response("a=1&b=%C3%BC+x&a=&c", { headers: { "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8" } });
    deepEq([...(await r.formData())], [["a", "1"], ["b", "ü x"], ["a", ""], ["c", ""]], "parsed pairs");
    const req = new Request("https://example.com/", { method: "POST", body: new URLSearchParams({ q: "x y", z: "1" }) });
    const fd = await req.formData();
    eq(fd.get("q"), "x y", "URLSearchParams body, q");
    eq(fd.get("z"), "1", "URLSearchParams body, z");
  },
};

export const formDataWrongType = {
  async test() {
    await rejects(() => new Response("a=1").formData(), TypeError, "text/plain;charset=UTF-8", "text body");
    await rejects(() => new Response(new Uint8Array([1])).formData(), TypeError, "no Content-Type header", "bytes body without a type");
    await rejects(() => Response.prototype.formData.call({}), TypeError, "Illegal invocation", "brand check");
  },
};

export const malformedMultipart = {
  async test() {
    const headers = { "content-type": "multipart/form-data; boundary=xyz" };
    await rejects(() => new Response("--xyz\r\nContent-Disposition: form-data\r\n\r\nv\r\n--xyz--", { headers }).formData(), TypeError, "no name parameter", "part without a name");
    await rejects(() => new Response('--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\nv', { headers }).formData(), TypeError, "not ended by a delimiter", "missing closing delimiter");
    await rejects(() => new Response("nothing here", { headers }).formData(), TypeError, "does not occur", "no boundary in body");
    await rejects(() => new Response("--xyz--", { headers: { "content-type": "multipart/form-data" } }).formData(), TypeError, "no boundary parameter", "no boundary parameter");
    const e = await rejects(() => new Request("https://x/", { method: "POST", body: "--xyz\r\n\r\n\r\n--xyz--", headers }).formData(), TypeError, "no Content-Disposition", "no disposition");
    ok(e.message.startsWith("Failed to execute 'formData' on 'Request'"), `message names the method: ${e.message}`);
  },
};

export const blobBodies = {
  async test() {
    const blob = new Blob(["hello ", "world"], { type: "Text/Plain;charset=utf-8" });
    const r = new Response(blob);
    eq(r.headers.get("content-type"), "text/plain;charset=utf-8", "Content-Type from blob.type");
    eq(await r.text(), "hello world", "text of a Blob body");
    const untyped = new Response(new Blob(["x"]));
    eq(untyped.headers.get("content-type"), null, "no Content-Type for an untyped Blob");
    const req = new Request("https://example.com/", { method: "PUT", body: blob.slice(6) });
    eq(await req.text(), "world", "Request with a sliced Blob body");
    const streamed = new Response(new Blob(["a", "b"]));
    const reader = streamed.body.getReader();
    let got = "";
    for (let c = await reader.read(); !c.done; c = await reader.read()) got += String.fromCharCode(...c.value);
    eq(got, "ab", "Blob body as a stream");
  },
};

export const responseBlob = {
  async test() {
    const r = new Response("héllo", { headers: { "content-type": "text/x-Custom; charset=UTF-8" } });
    const b = await r.blob();
    ok(b instanceof Blob, "blob() gives a Blob");
    eq(b.type, "text/x-custom; charset=utf-8", "type from Content-Type, lowercased as a Blob type is");
    eq(b.size, 6, "size");
    eq(await b.text(), "héllo", "content");
    eq(r.bodyUsed, true, "bodyUsed");
    eq((await new Response(new Uint8Array([1, 2])).blob()).type, "", "no Content-Type, empty type");
    eq((await new Response(null).blob()).size, 0, "null body, empty blob");
    const req = new Request("https://example.com/", { method: "POST", body: "abc" });
    const rb = await req.blob();
    eq(rb.type, "text/plain;charset=utf-8", "Request.blob() type");
    eq(await rb.text(), "abc", "Request.blob() content");
    await rejects(() => Request.prototype.blob.call({}), TypeError, "Illegal invocation", "brand check");
  },
};
