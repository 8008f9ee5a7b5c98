package template

import (
	"context"
	"strconv"
	gotmpl "text/template"

	"github.com/coredns/coredns/plugin/metadata"

	"github.com/miekg/dns"
)

// templateData is what a record template sees as ".".
type templateData struct {
	Zone     string            // the zone of the template that matched
	Name     string            // the query name, lowercased
	Regex    string            // the regex that matched
	Match    []string          // the whole match and every submatch
	Group    map[string]string // submatches by name and by number
	Class    string            // the query class, e.g. IN
	Type     string            // the query type, e.g. AAAA
	Message  *dns.Msg          // the query
	Question *dns.Question     // its question
	Remote   string            // the client's IP address

	ctx context.Context
}

// Meta returns the value of a metadata label, or "" when it is not set (or
// the metadata plugin is not in use).
func (d *templateData) Meta(label string) string {
	if d.ctx == nil {
		return ""
	}
	if f := metadata.ValueFunc(d.ctx, label); f != nil {
		return f()
	}
	return ""
}

// funcs are the helper functions templates may call.
var funcs = gotmpl.FuncMap{
	"parseInt": parseInt,
}

// parseInt reads s as an unsigned integer in base with at most bits bits.
func parseInt(s string, base, bits int) (uint64, error) {
	return strconv.ParseUint(s, base, bits)
}
