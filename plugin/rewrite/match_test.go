package rewrite

import "testing"

func TestRegexReplace(t *testing.T) {
	tests := []struct {
		from, to, name string
		want           string
		ok             bool
	}{
		{`(.*)-(us-west-1)\.example\.org`, `{1}.service.{2}.consul`, "ftp-us-west-1.example.org.", "ftp.service.us-west-1.consul.", true},
		{`^(.*)\.a\.$`, `{1}.b.`, "x.y.a.", "x.y.b.", true},
		{`^(.*)\.a\.$`, `{0}`, "x.a.", "x.a.", true},
		{`^(.*)\.a\.$`, `{1}{1}.`, "x.a.", "xx.", true},
		{`^(.*)\.a\.$`, `{9}.{1}.`, "x.a.", "{9}.x.", true},
		{`^(x)?y\.$`, `[{1}].`, "y.", "[].", true},
		{`^(.*)\.$`, `{abc}.{}.{+1}.{-1}.{1`, "x.", "{abc}.{}.{+1}.{-1}.{1.", true},
		{`^(.*)\.$`, `plain`, "x.", "plain.", true},
		{`^(.*)\.a\.$`, `{1}.b.`, "x.c.", "", false},
	}
	for _, tc := range tests {
		r, err := newRegexReplace(tc.from, tc.to)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := r.replace(tc.name)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s -> %s on %s: got %q, %v; want %q, %v", tc.from, tc.to, tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

func TestLowerName(t *testing.T) {
	for in, want := range map[string]string{
		"example.org.": "example.org.",
		"Example.ORG.": "example.org.",
		"a-B_c.":       "a-b_c.",
		"":             "",
	} {
		if got := lowerName(in); got != want {
			t.Errorf("lowerName(%q) = %q, want %q", in, got, want)
		}
	}
}
