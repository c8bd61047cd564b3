package fetch

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"testing"

	"github.com/worky-dev/worky/ops/dom"
	"github.com/worky-dev/worky/ops/encoding"
	"github.com/worky-dev/worky/ops/opstest"
	"github.com/worky-dev/worky/ops/streams"
	"github.com/worky-dev/worky/ops/url"
	"github.com/worky-dev/worky/ops/webidl"
	"github.com/worky-dev/worky/runtime"
)

// formWorker answers with the JSON of the entries request.formData()
// finds: [name, value] for strings, [name, {name, type, size, hex}] for
// files; a formData() failure is a 400 with the error's name and message.
const formWorker = `export default { async fetch(req) {
	let fd;
	try { fd = await req.formData(); } catch (e) { return new Response(e.name + ": " + e.message, { status: 400 }); }
	const out = [];
	for (const [name, v] of fd) {
		if (typeof v === "string") { out.push([name, v]); continue; }
		const b = await v.bytes();
		out.push([name, { file: v instanceof File, name: v.name, type: v.type, size: v.size, hex: Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("") }]);
	}
	return Response.json(out);
} };`

type formFile struct {
	File bool   `json:"file"`
	Name string `json:"name"`
	Type string `json:"type"`
	Size int    `json:"size"`
	Hex  string `json:"hex"`
}

// TestMultipartRequest sends a body built by Go's mime/multipart, with a
// file part, through the pool and checks what request.formData() sees.
func TestMultipartRequest(t *testing.T) {
	p := newPool(t, formWorker, poolOptions{})

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if err := mw.WriteField("title", "héllo, wörld"); err != nil {
		t.Fatal(err)
	}
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", `form-data; name="doc"; filename="notes.bin"`)
	h.Set("Content-Type", "application/octet-stream")
	fw, err := mw.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	fileBytes := []byte{0x00, 0x0d, 0x0a, 0x2d, 0x2d, 0xff}
	fw.Write(fileBytes)
	if err := mw.WriteField("title", ""); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}

	r := httptest.NewRequest("POST", "http://example.com/upload", &body)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	w, err := serve(t, p, r)
	if err != nil {
		t.Fatalf("Dispatch: %v", err)
	}
	if w.Code != 200 {
		t.Fatalf("status %d, body %q", w.Code, w.Body.String())
	}
	var got []json.RawMessage
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatalf("response %q: %v", w.Body.String(), err)
	}
	if len(got) != 3 {
		t.Fatalf("got %d entries, want 3: %s", len(got), w.Body.String())
	}
	var first, third []string
	json.Unmarshal(got[0], &first)
	json.Unmarshal(got[2], &third)
	if want := []string{"title", "héllo, wörld"}; strings.Join(first, "|") != strings.Join(want, "|") {
		t.Errorf("entry 0: got %q, want %q", first, want)
	}
	if want := []string{"title", ""}; strings.Join(third, "|") != strings.Join(want, "|") {
		t.Errorf("entry 2: got %q, want %q", third, want)
	}
	var second []json.RawMessage
	var f formFile
	var name string
	if err := json.Unmarshal(got[1], &second); err != nil || len(second) != 2 {
		t.Fatalf("entry 1: %s", got[1])
	}
	json.Unmarshal(second[0], &name)
	json.Unmarshal(second[1], &f)
	want := formFile{File: true, Name: "notes.bin", Type: "application/octet-stream", Size: len(fileBytes), Hex: "000d0a2d2dff"}
	if name != "doc" || f != want {
		t.Errorf("entry 1: got %q %+v, want %q %+v", name, f, "doc", want)
	}
}

// TestFormRequests checks urlencoded and malformed bodies through the pool.
func TestFormRequests(t *testing.T) {
	p := newPool(t, formWorker, poolOptions{})
	for _, tc := range []struct {
		what, contentType, body string
		status                  int
		want                    string
	}{
		{"urlencoded", "application/x-www-form-urlencoded", "a=1&b=x+y%21&a=%E2%82%AC", 200, `[["a","1"],["b","x y!"],["a","€"]]`},
		{"truncated multipart", "multipart/form-data; boundary=zz", "--zz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue", 400,
			`TypeError: Failed to execute 'formData' on 'Request': Failed to parse the body as multipart/form-data: part 1 ("a") is not ended by a delimiter "--zz".`},
		{"multipart without boundary", "multipart/form-data", "--zz--", 400,
			`TypeError: Failed to execute 'formData' on 'Request': Failed to parse the body as multipart/form-data: the Content-Type "multipart/form-data" has no boundary parameter.`},
		{"json", "application/json", `{"a":1}`, 400,
			`TypeError: Failed to execute 'formData' on 'Request': the Content-Type "application/json" is neither multipart/form-data nor application/x-www-form-urlencoded.`},
	} {
		r := httptest.NewRequest("POST", "http://example.com/", strings.NewReader(tc.body))
		r.Header.Set("Content-Type", tc.contentType)
		w, err := serve(t, p, r)
		if err != nil {
			t.Fatalf("%s: Dispatch: %v", tc.what, err)
		}
		checkResponse(t, tc.what, w, tc.status, tc.want)
	}
}

// TestMultipartResponse checks that a FormData response reaches the
// client as multipart/form-data that Go's mime/multipart reads back.
func TestMultipartResponse(t *testing.T) {
	p := newPool(t, `export default { fetch() {
		const fd = new FormData();
		fd.append("k", "v");
		fd.append("f", new Blob(["file body"], { type: "text/csv" }), "data.csv");
		return new Response(fd);
	} };`, poolOptions{})
	w := mustServe(t, p, "GET", "http://example.com/", nil)
	ct := w.Header().Get("Content-Type")
	boundary, ok := strings.CutPrefix(ct, "multipart/form-data; boundary=")
	if !ok {
		t.Fatalf("Content-Type %q is not multipart/form-data with a boundary", ct)
	}
	form, err := multipart.NewReader(w.Body, boundary).ReadForm(1 << 20)
	if err != nil {
		t.Fatalf("reading the multipart response: %v", err)
	}
	if got := form.Value["k"]; len(got) != 1 || got[0] != "v" {
		t.Errorf("value k: got %q, want [v]", got)
	}
	fh := form.File["f"]
	if len(fh) != 1 {
		t.Fatalf("file f: got %d parts, want 1", len(fh))
	}
	if fh[0].Filename != "data.csv" || fh[0].Header.Get("Content-Type") != "text/csv" || fh[0].Size != int64(len("file body")) {
		t.Errorf("file f: got %q %q %d bytes", fh[0].Filename, fh[0].Header.Get("Content-Type"), fh[0].Size)
	}
}

// TestWithoutBlobFamily checks that fetch does not require the blob
// family: it loads, serves, and only blob() and formData() fail, with a
// TypeError that says why.
func TestWithoutBlobFamily(t *testing.T) {
	exts := []*runtime.Extension{webidl.Extension(), dom.Extension(), streams.Extension(), url.Extension(), encoding.Extension(), Extension()}
	p := opstest.NewPool(t, exts, `export default { fetch() { return new Response("ok"); } };`)
	got := opstest.Eval(t, p, `
const out = [typeof Blob, await new Response("x").text()];
for (const m of ["blob", "formData"]) {
  try { await new Response("a=1", { headers: { "content-type": "application/x-www-form-urlencoded" } })[m](); out.push(m + " resolved"); }
  catch (e) { out.push(e.name + ": " + e.message); }
}
return out;`)
	want := `["undefined","x","TypeError: Blob and FormData are not available: the blob family is not installed","TypeError: Blob and FormData are not available: the blob family is not installed"]`
	if got != want {
		t.Fatalf("got %s\nwant %s", got, want)
	}
}
