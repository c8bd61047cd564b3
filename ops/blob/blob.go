// Package blob provides Blob, File and FormData, and the multipart/form-data
// encoding that Request and Response bodies use. It is all JS (blob.js):
// a blob's bytes stay in the isolate as immutable Uint8Array chunks, which
// slice() shares without copying, so there is nothing for Go to do; UTF-8
// goes through the encoding family and stream() through the streams family.
package blob

import (
	_ "embed"

	"github.com/worky-dev/worky/runtime"
)

//go:embed blob.js
var js string

// Extension returns the blob family. Its JS installs the Blob, File and
// FormData globals and provides "blob" (isBlob, isFormData, blobBytes,
// makeBlob, serializeMultipart, parseMultipart, ...) to later families.
func Extension() *runtime.Extension {
	return &runtime.Extension{
		Name: "blob",
		Deps: []string{"webidl", "dom", "streams", "encoding"},
		JS:   []runtime.Script{{Name: "ext:blob/blob.js", Source: js}},
	}
}
