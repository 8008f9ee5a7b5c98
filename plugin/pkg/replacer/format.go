package replacer

import (
	"strings"
	"sync"
	"sync/atomic"
)

// Shorthands that stand for whole formats; they are expanded before parsing.
const (
	// commonFormat is the Common Log Format of the log plugin.
	commonFormat = `{remote}:{port} - {>id} "{type} {class} {name} {proto} {size} {>do} {>bufsize}" {rcode} {>rflags} {rsize} {duration}`
	// combinedFormat is commonFormat followed by the quoted query opcode.
	combinedFormat = commonFormat + ` "{>opcode}"`
)

// kind says what a piece of a parsed format stands for.
type kind uint8

const (
	kLiteral  kind = iota // text copied as is
	kMetadata             // a metadata label, {/label}
	kType                 // query type
	kName                 // query name
	kClass                // query class
	kProto                // transport, udp or tcp
	kSize                 // query size in bytes
	kRemote               // client address
	kPort                 // client port
	kLocal                // server address
	kID                   // query ID
	kOpcode               // query opcode, as a number
	kDo                   // DO bit of the query
	kBufsize              // EDNS buffer size of the query (or transport maximum)
	kRcode                // response code
	kRsize                // response size in bytes
	kDuration             // time since the recorder started
	kRflags               // response header flags
)

// labels maps every placeholder this package understands to its kind.
var labels = map[string]kind{
	"{type}":     kType,
	"{name}":     kName,
	"{class}":    kClass,
	"{proto}":    kProto,
	"{size}":     kSize,
	"{remote}":   kRemote,
	"{port}":     kPort,
	"{local}":    kLocal,
	"{>id}":      kID,
	"{>opcode}":  kOpcode,
	"{>do}":      kDo,
	"{>bufsize}": kBufsize,
	"{rcode}":    kRcode,
	"{rsize}":    kRsize,
	"{duration}": kDuration,
	"{>rflags}":  kRflags,
}

// piece is one element of a parsed format.
type piece struct {
	kind kind
	text string // the literal text, or the metadata label
}

// format is a parsed format string.
type format []piece

// parse splits s into literal text and placeholders. A placeholder is the
// innermost {...} pair: for every '}' the nearest '{' before it opens it, so
// "{{type}}" is "{", {type}, "}". Braces that do not form a known
// placeholder stay in the output as they are.
func parse(s string) format {
	s = strings.ReplaceAll(s, "{common}", commonFormat)
	s = strings.ReplaceAll(s, "{combined}", combinedFormat)

	f := make(format, 0, 2*strings.Count(s, "{")+1)
	lit := 0 // start of the pending literal
	pos := 0 // where to look for the next '}'
	for {
		j := strings.IndexByte(s[pos:], '}')
		if j < 0 {
			break
		}
		j += pos
		i := strings.LastIndexByte(s[lit:j], '{')
		pos = j + 1
		if i < 0 {
			continue // a lone '}' is literal text
		}
		i += lit
		label := s[i : j+1]
		k, known := labels[label]
		switch {
		case known:
		case strings.HasPrefix(label, "{/"):
			k = kMetadata
		default:
			continue // unknown: leave it in the pending literal
		}
		f = f.literal(s[lit:i])
		if k == kMetadata {
			f = append(f, piece{kind: kMetadata, text: label[2 : len(label)-1]})
		} else {
			f = append(f, piece{kind: k})
		}
		lit = pos
	}
	return f.literal(s[lit:])
}

// literal appends text, merging it with a preceding literal.
func (f format) literal(text string) format {
	if text == "" {
		return f
	}
	if n := len(f); n > 0 && f[n-1].kind == kLiteral {
		f[n-1].text += text
		return f
	}
	return append(f, piece{kind: kLiteral, text: text})
}

// maxCached bounds the cache of parsed formats, so callers that build format
// strings on the fly cannot grow it without limit.
const maxCached = 1024

var (
	cache   sync.Map // format string -> format
	cached  atomic.Int32
	bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}
)

// formatFor returns the parsed form of s, from the cache when it is there.
func formatFor(s string) format {
	if f, ok := cache.Load(s); ok {
		return f.(format)
	}
	f := parse(s)
	if cached.Load() < maxCached {
		if _, loaded := cache.LoadOrStore(s, f); !loaded {
			cached.Add(1)
		}
	}
	return f
}
