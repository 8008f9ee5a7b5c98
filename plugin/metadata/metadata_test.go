package metadata

import (
	"context"
	"testing"

	"github.com/coredns/coredns/plugin/test"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// fakeProvider sets its labels with fixed values, counting its calls.
type fakeProvider struct {
	values map[string]string
	calls  int
}

func (p *fakeProvider) Metadata(ctx context.Context, _ request.Request) context.Context {
	p.calls++
	for l, v := range p.values {
		SetValueFunc(ctx, l, func() string { return v })
	}
	return ctx
}

func TestCollect(t *testing.T) {
	p1 := &fakeProvider{values: map[string]string{"test/one": "1", "test/two": "2"}}
	p2 := &fakeProvider{values: map[string]string{"other/three": "3"}}
	m := &Metadata{Zones: []string{"example.org."}, Providers: []Provider{p1, p2}}

	tests := []struct {
		qname  string
		labels []string
		values map[string]string
	}{
		{"www.example.org.", []string{"other/three", "test/one", "test/two"}, map[string]string{"test/one": "1", "test/two": "2", "other/three": "3"}},
		{"EXAMPLE.org.", []string{"other/three", "test/one", "test/two"}, map[string]string{"test/one": "1"}},
		{"example.net.", []string{}, map[string]string{}},
	}
	for _, tc := range tests {
		r := new(dns.Msg)
		r.SetQuestion(tc.qname, dns.TypeA)
		state := request.Request{W: &test.ResponseWriter{}, Req: r}
		ctx := m.Collect(context.Background(), state)

		labels := Labels(ctx)
		if len(labels) != len(tc.labels) {
			t.Fatalf("%s: labels %v, want %v", tc.qname, labels, tc.labels)
		}
		for i := range labels {
			if labels[i] != tc.labels[i] {
				t.Errorf("%s: labels %v, want %v", tc.qname, labels, tc.labels)
			}
		}
		for l, want := range tc.values {
			f := ValueFunc(ctx, l)
			if f == nil {
				t.Fatalf("%s: no value for %q", tc.qname, l)
			}
			if got := f(); got != want {
				t.Errorf("%s: %q = %q, want %q", tc.qname, l, got, want)
			}
		}
		if ValueFunc(ctx, "test/unknown") != nil {
			t.Errorf("%s: unknown label has a value", tc.qname)
		}
		// Out of zone or not, plugins later in the chain can still add.
		if !SetValueFunc(ctx, "late/label", func() string { return "x" }) {
			t.Errorf("%s: SetValueFunc on a collected context returned false", tc.qname)
		}
	}
	if p1.calls != 2 || p2.calls != 2 {
		t.Errorf("providers called %d and %d times, want 2 each", p1.calls, p2.calls)
	}
}

func TestServeDNSPassesOn(t *testing.T) {
	m := &Metadata{Zones: []string{"."}, Next: test.NextHandler(dns.RcodeNameError, nil)}
	r := new(dns.Msg)
	r.SetQuestion("example.org.", dns.TypeA)
	rc, err := m.ServeDNS(context.Background(), &test.ResponseWriter{}, r)
	if rc != dns.RcodeNameError || err != nil {
		t.Errorf("ServeDNS = %d, %v; want %d, nil", rc, err, dns.RcodeNameError)
	}

	m.Next = nil
	if rc, err := m.ServeDNS(context.Background(), &test.ResponseWriter{}, r); rc != dns.RcodeServerFailure || err == nil {
		t.Errorf("ServeDNS without next = %d, %v; want SERVFAIL and an error", rc, err)
	}
}

func TestContextFunctions(t *testing.T) {
	bare := context.Background()
	if SetValueFunc(bare, "test/label", func() string { return "v" }) {
		t.Error("SetValueFunc without metadata returned true")
	}
	if ValueFunc(bare, "test/label") != nil {
		t.Error("ValueFunc without metadata returned a Func")
	}
	if Labels(bare) != nil || ValueFuncs(bare) != nil {
		t.Error("Labels or ValueFuncs without metadata returned something")
	}

	ctx := ContextWithMetadata(bare)
	if len(Labels(ctx)) != 0 {
		t.Errorf("fresh metadata has labels %v", Labels(ctx))
	}
	if !SetValueFunc(ctx, "test/label", func() string { return "first" }) {
		t.Fatal("SetValueFunc returned false")
	}
	SetValueFunc(ctx, "test/label", func() string { return "second" })
	if got := ValueFunc(ctx, "test/label")(); got != "second" {
		t.Errorf("value = %q, want the overwritten %q", got, "second")
	}
	fs := ValueFuncs(ctx)
	if len(fs) != 1 || fs["test/label"]() != "second" {
		t.Errorf("ValueFuncs = %v", fs)
	}
}

func TestValueIsLazy(t *testing.T) {
	ctx := ContextWithMetadata(context.Background())
	calls := 0
	SetValueFunc(ctx, "test/lazy", func() string { calls++; return "v" })
	if calls != 0 {
		t.Fatal("value computed when set")
	}
	ValueFunc(ctx, "test/lazy")()
	if calls != 1 {
		t.Errorf("value computed %d times, want 1", calls)
	}
}

func TestIsLabel(t *testing.T) {
	tests := []struct {
		label string
		want  bool
	}{
		{"plugin/name", true},
		{"a/b", true},
		{"kubernetes/client-namespace", true},
		{"a/b/c", true},
		{"", false},
		{"plain", false},
		{"/name", false},
		{"plugin/", false},
		{"/", false},
	}
	for _, tc := range tests {
		if got := IsLabel(tc.label); got != tc.want {
			t.Errorf("IsLabel(%q) = %v, want %v", tc.label, got, tc.want)
		}
	}
}
