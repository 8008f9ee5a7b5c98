package replacer

import (
	"context"
	"strings"
	"testing"

	"github.com/coredns/coredns/plugin/test"
	"github.com/coredns/coredns/request"
)

func FuzzReplace(f *testing.F) {
	for _, s := range []string{"", "{type}", "{common}", "{{name}}", "{/a/b} {", "} {>id", "{combined}{/}"} {
		f.Add(s)
	}
	rep := New()
	f.Fuzz(func(t *testing.T, format string) {
		state := request.Request{W: &test.ResponseWriter{}, Req: query(0)}
		got := rep.Replace(context.Background(), state, recorded(state.Req), format)
		if !strings.Contains(format, "{") && got != format {
			t.Errorf("format without placeholders %q became %q", format, got)
		}
	})
}
