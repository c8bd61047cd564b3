package runtime

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

// bundle is a worker's code as one script.
type bundle struct {
	// name is the script origin V8 reports in stack traces.
	name string
	// source evaluates to the worker module's exports object.
	source string
	// sourceMap maps source back to the user's files.
	sourceMap []byte
}

// loaders are the file types a worker may import.
var loaders = map[string]api.Loader{
	".js":   api.LoaderJS,
	".mjs":  api.LoaderJS,
	".cjs":  api.LoaderJS,
	".jsx":  api.LoaderJSX,
	".ts":   api.LoaderTS,
	".mts":  api.LoaderTS,
	".cts":  api.LoaderTS,
	".tsx":  api.LoaderTSX,
	".json": api.LoaderJSON,
	".txt":  api.LoaderText,
	".html": api.LoaderText,
	".wasm": api.LoaderBinary,
	".bin":  api.LoaderBinary,
}

// buildBundle bundles the entry file (or, if source is set, that source as
// if it were a file named entry) with every import into one IIFE script.
func buildBundle(entry, source string) (*bundle, error) {
	opts := api.BuildOptions{
		Bundle:     true,
		Write:      false,
		Format:     api.FormatIIFE,
		GlobalName: "__worky_exports",
		Platform:   api.PlatformNeutral,
		// The conditions Cloudflare's bundler uses, so packages that ship a
		// Workers build pick it.
		Conditions: []string{"workerd", "worker", "browser"},
		MainFields: []string{"browser", "module", "main"},
		Target:     api.ESNext,
		Sourcemap:  api.SourceMapExternal,
		Loader:     loaders,
		LogLevel:   api.LogLevelSilent,
		Outfile:    "worker.js",
		Charset:    api.CharsetUTF8,
	}
	name := filepath.Base(entry)
	if source != "" {
		dir, _ := filepath.Abs(filepath.Dir(entry))
		loader, ok := loaders[filepath.Ext(entry)]
		if !ok {
			loader = api.LoaderJS
		}
		opts.Stdin = &api.StdinOptions{Contents: source, ResolveDir: dir, Sourcefile: name, Loader: loader}
		opts.AbsWorkingDir = dir
	} else {
		abs, err := filepath.Abs(entry)
		if err != nil {
			return nil, &BuildError{File: entry, Message: err.Error()}
		}
		if _, err := os.Stat(abs); err != nil {
			return nil, &BuildError{File: entry, Message: "cannot read script: " + unwrapPathError(err)}
		}
		opts.EntryPoints = []string{abs}
		opts.AbsWorkingDir = filepath.Dir(abs)
	}
	res := api.Build(opts)
	if len(res.Errors) > 0 {
		return nil, buildErrorFrom(res.Errors, len(res.Errors))
	}
	b := &bundle{name: strings.TrimSuffix(name, filepath.Ext(name)) + ".js"}
	for _, f := range res.OutputFiles {
		if strings.HasSuffix(f.Path, ".map") {
			b.sourceMap = f.Contents
		} else {
			b.source = string(f.Contents)
		}
	}
	// The IIFE assigns the exports to a var; wrapping it in a function keeps
	// that var off globalThis and makes the script's value the exports. The
	// prefix stays on the first line so line numbers do not move.
	b.source = "(function () {" + b.source + "\nreturn __worky_exports;\n})()"
	return b, nil
}

func buildErrorFrom(msgs []api.Message, count int) *BuildError {
	m := msgs[0]
	be := &BuildError{Message: m.Text}
	if l := m.Location; l != nil {
		be.File, be.Line, be.Column = l.File, l.Line, l.Column+1
		if l.LineText != "" {
			be.Message += "\n    " + l.LineText
		}
	}
	if count > 1 {
		be.Message += fmt.Sprintf("\n(and %d more errors)", count-1)
	}
	return be
}

func unwrapPathError(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err.Error()
	}
	return err.Error()
}
