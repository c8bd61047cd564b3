// Package compression provides CompressionStream and DecompressionStream
// ("gzip", "deflate" and "deflate-raw") on Go's compress/gzip, compress/zlib
// and compress/flate. JS holds the classes (TransformStreams); each chunk
// crosses into Go once, as bytes, and its output comes back as one
// Uint8Array. The Go side keeps one compressor or decompressor per stream,
// by id, in a per-isolate table.
package compression

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	_ "embed"
	"errors"
	"io"

	"github.com/worky-dev/worky/runtime"
)

//go:embed compression.js
var js string

// Extension returns the compression family.
func Extension() *runtime.Extension {
	return &runtime.Extension{
		Name: "compression",
		Deps: []string{"webidl", "streams"},
		JS:   []runtime.Script{{Name: "ext:compression/compression.js", Source: js}},
		Ops: []runtime.Op{
			{Name: "op_compression_new", Sync: opCompressionNew},
			{Name: "op_compression_write", Sync: opCompressionWrite},
			{Name: "op_compression_finish", Sync: opCompressionFinish},
			{Name: "op_compression_release", Sync: opCompressionRelease},
		},
	}
}

// A coder is one stream's compressor or decompressor. write and finish
// return the output so far; after an error or finish the coder is gone.
type coder interface {
	write(p []byte) ([]byte, error)
	finish() ([]byte, error)
	release()
}

// table holds an isolate's coders by id. It is only touched on the
// isolate's thread.
type table struct {
	next   int64
	coders map[int64]coder
}

type tableKey struct{}

// What a coder holds in Go's heap, told to V8 (AdjustExternalMemory) so
// that the collection which runs a dropped stream's FinalizationRegistry
// callback comes in time: compress/flate's compressor keeps about 800 KiB
// of hash chains and window, an inflater its 32 KiB window, its tables
// and a goroutine.
const (
	deflaterBytes = 800 << 10
	inflaterBytes = 64 << 10
)

func coderBytes(co coder) int64 {
	if _, ok := co.(*inflater); ok {
		return inflaterBytes
	}
	return deflaterBytes
}

func (t *table) add(it *runtime.Isolate, co coder) int64 {
	t.next++
	t.coders[t.next] = co
	it.AdjustExternalMemory(coderBytes(co))
	return t.next
}

// remove forgets coder id, which the caller releases.
func (t *table) remove(it *runtime.Isolate, id int64) {
	if co := t.coders[id]; co != nil {
		delete(t.coders, id)
		it.AdjustExternalMemory(-coderBytes(co))
	}
}

func tableOf(it *runtime.Isolate) *table {
	if t, ok := it.State(tableKey{}).(*table); ok {
		return t
	}
	t := &table{coders: map[int64]coder{}}
	it.SetState(tableKey{}, t)
	it.OnClose(func() {
		for id, c := range t.coders {
			c.release()
			delete(t.coders, id)
		}
	})
	return t
}

// opCompressionNew makes a coder for a format ("gzip", "deflate",
// "deflate-raw"; JS has checked it) and returns its id. The second
// argument says whether it decompresses.
func opCompressionNew(c *runtime.Call) (any, error) {
	format := c.String(0)
	var co coder
	if c.Bool(1) {
		co = newInflater(format)
	} else {
		d, err := newDeflater(format)
		if err != nil {
			return nil, err
		}
		co = d
	}
	return tableOf(c.Isolate()).add(c.Isolate(), co), nil
}

func lookup(c *runtime.Call) (*table, int64, coder, error) {
	t := tableOf(c.Isolate())
	id := c.Int(0)
	co := t.coders[id]
	if co == nil {
		return nil, 0, nil, runtime.TypeError("%s: the stream is already finished", c.Arg(0))
	}
	return t, id, co, nil
}

// opCompressionWrite feeds a chunk (core.toGo) to coder id and returns the
// output it produced. An error ends the coder.
func opCompressionWrite(c *runtime.Call) (any, error) {
	t, id, co, err := lookup(c)
	if err != nil {
		return nil, err
	}
	p, err := c.Bytes(1)
	if err != nil {
		return nil, err
	}
	out, err := co.write(p)
	if err != nil {
		co.release()
		t.remove(c.Isolate(), id)
		return nil, err
	}
	return out, nil
}

// opCompressionFinish ends coder id's input and returns the rest of its
// output; truncated input is an error.
func opCompressionFinish(c *runtime.Call) (any, error) {
	t, id, co, err := lookup(c)
	if err != nil {
		return nil, err
	}
	t.remove(c.Isolate(), id)
	out, err := co.finish()
	co.release()
	return out, err
}

// opCompressionRelease drops coder id (the stream was canceled or
// aborted); an unknown id is not an error.
func opCompressionRelease(c *runtime.Call) (any, error) {
	t := tableOf(c.Isolate())
	id := c.Int(0)
	if co := t.coders[id]; co != nil {
		co.release()
		t.remove(c.Isolate(), id)
	}
	return nil, nil
}

// deflater compresses into a buffer that each write drains. Nothing is
// flushed per chunk (that would cost compression ratio); output appears
// as the compressor's window fills, and the rest on finish.
type deflater struct {
	buf bytes.Buffer
	w   io.WriteCloser
}

func newDeflater(format string) (*deflater, error) {
	d := &deflater{}
	var err error
	switch format {
	case "gzip":
		d.w = gzip.NewWriter(&d.buf)
	case "deflate":
		d.w = zlib.NewWriter(&d.buf)
	case "deflate-raw":
		d.w, err = flate.NewWriter(&d.buf, flate.DefaultCompression)
	default:
		err = runtime.TypeError("Unsupported compression format: '%s'", format)
	}
	return d, err
}

func (d *deflater) drain() []byte {
	out := bytes.Clone(d.buf.Bytes())
	d.buf.Reset()
	return out
}

func (d *deflater) write(p []byte) ([]byte, error) {
	if _, err := d.w.Write(p); err != nil {
		return nil, runtime.TypeError("CompressionStream: %v", err)
	}
	return d.drain(), nil
}

func (d *deflater) finish() ([]byte, error) {
	if err := d.w.Close(); err != nil {
		return nil, runtime.TypeError("CompressionStream: %v", err)
	}
	return d.drain(), nil
}

func (d *deflater) release() {}

// inflater runs Go's decompressor on its own goroutine, fed chunk by
// chunk: the decompressor reads through the inflater's Read/ReadByte,
// which hand out the current chunk and, when it is used up, report idle
// and wait for the next. A write therefore returns once all of its chunk
// is decompressed, with all the output it gave, and never waits for input
// that has not arrived. Being an io.ByteReader, the inflater is read
// without read-ahead, so bytes after the end of the compressed data are
// seen and refused.
type inflater struct {
	format string
	in     chan []byte   // the next chunk; closed at the end of input
	idle   chan struct{} // the goroutine used up its chunk
	done   chan struct{} // closed when the goroutine ends
	closed bool          // in is closed

	// Owned by the goroutine while it runs; read by the op side only
	// after receiving from idle or done.
	out     bytes.Buffer
	err     error
	cur     []byte
	eof     bool
	started bool
}

// maxChunkOutput bounds what one chunk may inflate to before the output
// is handed over, keeping a decompression bomb from holding it all.
const maxChunkOutput = 64 << 20

var (
	errTrailing = errors.New("junk after the end of the compressed data")
	errTooLarge = errors.New("one chunk inflates to more than 64 MiB")
)

func newInflater(format string) *inflater {
	f := &inflater{
		format: format,
		in:     make(chan []byte),
		idle:   make(chan struct{}),
		done:   make(chan struct{}),
	}
	go f.run()
	return f
}

func (f *inflater) run() {
	defer close(f.done)
	var r io.Reader
	switch f.format {
	case "gzip":
		zr, err := gzip.NewReader(f)
		if err != nil {
			f.err = err
			return
		}
		zr.Multistream(false)
		r = zr
	case "deflate":
		zr, err := zlib.NewReader(f)
		if err != nil {
			f.err = err
			return
		}
		r = zr
	default:
		r = flate.NewReader(f)
	}
	buf := make([]byte, 64<<10)
	for {
		n, err := r.Read(buf)
		f.out.Write(buf[:n])
		if f.out.Len() > maxChunkOutput {
			f.err = errTooLarge
			return
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			f.err = err
			return
		}
	}
	// The compressed data has ended: anything after it is an error, now
	// or in a later chunk.
	if len(f.cur) > 0 {
		f.err = errTrailing
	}
}

func (f *inflater) next() bool {
	for len(f.cur) == 0 {
		if f.eof {
			return false
		}
		if f.started {
			f.idle <- struct{}{}
		}
		f.started = true
		b, ok := <-f.in
		if !ok {
			f.eof = true
			return false
		}
		f.cur = b
	}
	return true
}

// ReadByte and Read are the decompressor's side.
func (f *inflater) ReadByte() (byte, error) {
	if !f.next() {
		return 0, io.EOF
	}
	b := f.cur[0]
	f.cur = f.cur[1:]
	return b, nil
}

func (f *inflater) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if !f.next() {
		return 0, io.EOF
	}
	n := copy(p, f.cur)
	f.cur = f.cur[n:]
	return n, nil
}

func (f *inflater) fail(err error) error {
	if err == errTooLarge {
		return runtime.RangeError("DecompressionStream: %v of %s data (write smaller chunks)", err, f.format)
	}
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		return runtime.TypeError("DecompressionStream: the %s data is truncated", f.format)
	}
	return runtime.TypeError("DecompressionStream: the input is not valid %s data: %v", f.format, err)
}

func (f *inflater) write(p []byte) ([]byte, error) {
	if len(p) == 0 {
		return nil, nil
	}
	select {
	case f.in <- p:
		select {
		case <-f.idle:
		case <-f.done:
		}
	case <-f.done:
		// Already at the end: this chunk is trailing junk.
		if f.err == nil {
			f.err = errTrailing
		}
	}
	if f.err != nil {
		return nil, f.fail(f.err)
	}
	out := bytes.Clone(f.out.Bytes())
	f.out.Reset()
	return out, nil
}

func (f *inflater) finish() ([]byte, error) {
	f.closeInput()
	<-f.done
	if f.err != nil {
		return nil, f.fail(f.err)
	}
	return bytes.Clone(f.out.Bytes()), nil
}

func (f *inflater) closeInput() {
	if !f.closed {
		f.closed = true
		close(f.in)
	}
}

// release stops the goroutine: with its input closed it ends at once.
func (f *inflater) release() {
	f.closeInput()
	<-f.done
}
