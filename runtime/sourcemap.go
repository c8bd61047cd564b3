package runtime

import (
	"encoding/json"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// sourceMap maps positions in the bundle back to the user's files, so
// stack traces in logs and build errors name worker.ts:12:5 rather than a
// line of the bundle. It decodes the source map v3 esbuild writes.
type sourceMap struct {
	sources []string
	// lines[i] holds the segments of generated line i+1, by column.
	lines [][]segment
}

type segment struct {
	genCol, src, line, col int
}

func parseSourceMap(data []byte) *sourceMap {
	var raw struct {
		Sources  []string `json:"sources"`
		Mappings string   `json:"mappings"`
	}
	if len(data) == 0 || json.Unmarshal(data, &raw) != nil {
		return &sourceMap{}
	}
	sm := &sourceMap{sources: raw.Sources}
	var src, line, col int
	for _, l := range strings.Split(raw.Mappings, ";") {
		var segs []segment
		genCol := 0
		for _, s := range strings.Split(l, ",") {
			if s == "" {
				continue
			}
			f := decodeVLQ(s)
			if len(f) < 4 {
				if len(f) > 0 {
					genCol += f[0]
				}
				continue
			}
			genCol += f[0]
			src += f[1]
			line += f[2]
			col += f[3]
			segs = append(segs, segment{genCol, src, line, col})
		}
		sm.lines = append(sm.lines, segs)
	}
	return sm
}

const b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

func decodeVLQ(s string) []int {
	var out []int
	shift, value := 0, 0
	for i := 0; i < len(s); i++ {
		d := strings.IndexByte(b64, s[i])
		if d < 0 {
			return out
		}
		value += (d & 31) << shift
		if d&32 != 0 {
			shift += 5
			continue
		}
		n := value >> 1
		if value&1 != 0 {
			n = -n
		}
		out = append(out, n)
		shift, value = 0, 0
	}
	return out
}

// lookup maps a 1-based generated line and column to a source file and
// 1-based line and column.
func (sm *sourceMap) lookup(line, col int) (string, int, int, bool) {
	if sm == nil || line < 1 || line > len(sm.lines) {
		return "", 0, 0, false
	}
	segs := sm.lines[line-1]
	c := col - 1
	i := sort.Search(len(segs), func(i int) bool { return segs[i].genCol > c }) - 1
	if i < 0 {
		if len(segs) == 0 {
			return "", 0, 0, false
		}
		i = 0
	}
	s := segs[i]
	if s.src < 0 || s.src >= len(sm.sources) {
		return "", 0, 0, false
	}
	return sm.sources[s.src], s.line + 1, s.col + 1, true
}

var stackPos = regexp.MustCompile(`([\w./@-]+\.js):(\d+):(\d+)`)

// mapStack rewrites the bundle positions in a V8 stack trace.
func (p *Pool) mapStack(stack string) string {
	if p.bundle == nil || stack == "" {
		return stack
	}
	name := p.bundle.name
	return stackPos.ReplaceAllStringFunc(stack, func(m string) string {
		sub := stackPos.FindStringSubmatch(m)
		if sub[1] != name {
			return m
		}
		line, _ := strconv.Atoi(sub[2])
		col, _ := strconv.Atoi(sub[3])
		if f, l, c, ok := p.smap.lookup(line, col); ok {
			return f + ":" + strconv.Itoa(l) + ":" + strconv.Itoa(c)
		}
		return m
	})
}
